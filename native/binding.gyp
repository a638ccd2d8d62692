{
  # Sources are listed by directory so that adding a file never needs an edit here.
  # SHA-NI / AES-NI code is compiled per function with target attributes and chosen at run time (CPUID),
  # so the addon runs on any x86-64 and the same build works in container images.
  "targets": [{
    "target_name": "arkube_native",
    "sources": [
      "<!@(ls -1 src/core/*.cc src/binding/*.cc; ls -1 src/core/randomx/*.cc 2>/dev/null || true)"
    ],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "src"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "cflags!": ["-fno-exceptions", "-O2"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-O2"],
    "cflags": ["-O3", "-fexceptions"],
    "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-frounding-math", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "ldflags": ["-pthread"]
  }]
}
