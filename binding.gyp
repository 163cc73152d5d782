{
  "targets": [
    {
      "target_name": "lamina",
      "sources": [
        "native/addon.cc",
        "native/allocator.cc",
        "native/threadpool.cc",
        "native/gemm.cc",
        "native/gemm_neon.cc",
        "native/conv.cc",
        "native/conv_tapwise.cc",
        "native/conv_narrow.cc",
        "native/conv_grouped.cc",
        "native/depthwise.cc",
        "native/winograd.cc",
        "native/winograd_filter_grad.cc",
        "native/pool.cc",
        "native/image_transform.cc",
        "native/elementwise.cc",
        "native/softmax.cc",
        "native/fused.cc",
        "native/optimizer.cc",
        "native/addon_fused.cc",
        "native/sort.cc",
        "native/addon_sort.cc"
      ],
      "dependencies": ["lamina_avx2", "lamina_avx512"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags": ["-O3"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-ffp-contract=off"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CPLUSPLUSFLAGS": ["$(inherited)", "-fno-math-errno", "-ffp-contract=off"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    },
    {
      "target_name": "lamina_avx2",
      "type": "static_library",
      "sources": ["native/gemm_avx2.cc", "native/winograd_avx2.cc", "native/conv_direct_avx2.cc", "native/depthwise_avx2.cc", "native/pool_avx2.cc", "native/softmax_avx2.cc"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fPIC", "-ffp-contract=off"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["$(inherited)", "-ffp-contract=off"] },
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"] }
        }]
      ]
    },
    {
      "target_name": "lamina_avx512",
      "type": "static_library",
      "sources": ["native/gemm_avx512.cc", "native/conv_direct_avx512.cc", "native/depthwise_avx512.cc", "native/pool_avx512.cc", "native/softmax_avx512.cc"],
      "cflags_cc!": ["-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fPIC", "-ffp-contract=off"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["$(inherited)", "-ffp-contract=off"] },
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "cflags_cc": ["-mavx512f", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mfma"] }
        }]
      ]
    }
  ]
}
