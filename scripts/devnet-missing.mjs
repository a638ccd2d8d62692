// Placeholder for `npm start` until the devnet exists (issue "devnet"); it says so and fails.
console.error("arkube: the one-machine devnet is not built yet; `npm test` runs the test suite.");
process.exit(1);
