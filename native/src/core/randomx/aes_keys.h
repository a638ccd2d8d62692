// Round keys and initial states of RandomX's AES functions, as four little-endian 32-bit words
// per 16-byte column (word 0 = bytes 0..3). Values from the RandomX specification; the
// "Shared4" AesGenerator4R keys are the 2019 ones Arweave's fork kept.
#pragma once
#include <cstdint>

namespace arkube::randomx::aes_keys {

using Column = uint32_t[4];

inline constexpr Column kGen1R[4] = {
    {0x6daca553, 0x62716609, 0xdbb5552b, 0xb4f44917},
    {0x6d7caf07, 0x846a710d, 0x1725d378, 0x0da1dc4e},
    {0x3f1262f1, 0x9f947ec6, 0xf4c0794f, 0x3e20e345},
    {0x6aef8135, 0xb1ba317c, 0x16314c88, 0x49169154},
};

inline constexpr Column kGen4RShared[4] = {
    {0xf890465d, 0x7ffbe4a6, 0x141f82b7, 0xcf359e95},
    {0x6a55c450, 0xfee8278a, 0xbd5c5ac3, 0x6741ffdc},
    {0x114c47a4, 0xd524fde4, 0xa7279ad2, 0x3d324aac},
    {0x810c3a2a, 0x99a9aeff, 0x42d3dbd9, 0x76f6db08},
};

inline constexpr Column kGen4RSplit[8] = {
    {0x6421aadd, 0xd1833ddb, 0x2f546d2b, 0x99e5d23f},
    {0xb20e3450, 0xb6913f55, 0x06f79d53, 0xa5dfcde5},
    {0x5c3ed904, 0x515e7baf, 0x0aa4679f, 0x171c02bf},
    {0x85623763, 0xe78f5d08, 0xcd673785, 0xd8ded291},
    {0xb5826f73, 0xe3d6a7a6, 0x3d518b6d, 0x229effb4},
    {0xc7566bf3, 0x9c10b3d9, 0xe9024d4e, 0xb272b7d2},
    {0xf273c9e7, 0xf765a38b, 0x2ba9660a, 0xf63befa7},
    {0x7a7cd609, 0x915839de, 0x0c06d1fd, 0xc0b0762d},
};

inline constexpr Column kHash1RState[4] = {
    {0x92b52c0d, 0x9fa856de, 0xcc82db47, 0xd7983aad},
    {0x338d996e, 0x15c7b798, 0xf59e125a, 0xace78057},
    {0x6a770017, 0xae62c7d0, 0x5079506b, 0xe8a07ce4},
    {0x630a240c, 0x07ad828d, 0x79a10005, 0x7e994948},
};

inline constexpr Column kHash1RXKeys[2] = {
    {0xf6fa8389, 0x8b24949f, 0x90dc56bf, 0x06890201},
    {0x61b263d1, 0x51f4e03c, 0xee1043c6, 0xed18f99b},
};

}  // namespace arkube::randomx::aes_keys
