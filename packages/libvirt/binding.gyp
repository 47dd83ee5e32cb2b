{
  "targets": [
    {
      "target_name": "parley_libvirt",
      "sources": [
        "src/native/addon.cc",
        "src/native/async.cc",
        "src/native/errors.cc",
        "src/native/connection.cc",
        "src/native/queries.cc",
        "src/native/domain.cc",
        "src/native/migrate.cc",
        "src/native/events.cc",
        "src/native/params.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "<!@(pkg-config --cflags libvirt)"],
      "libraries": ["<!@(pkg-config --libs libvirt)", "-lpthread"]
    }
  ]
}
