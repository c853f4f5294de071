// swift-tools-version:6.1
import PackageDescription

// Watch delivery latency: opens many watch streams against Tack (Kubernetes watch over HTTPS) or etcd
// (JSON gateway /v3/watch), performs writes at a fixed pace and reports how long each event took to reach
// each watcher. Run by ../control-plane.sh; see ../README.md.
let package = Package(
    name: "WatchLatency",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .executableTarget(
            name: "WatchLatency",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
