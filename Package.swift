// swift-tools-version:6.1
import PackageDescription

// Tack: a GitOps delivery platform in one binary. Modules are layered; arrows point down only
// (see docs/concepts/architecture.md). `LocalCluster` and `APIServer` are used only in embedded mode.
let package = Package(
    name: "tack",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tack", targets: ["tack"]),
        .library(name: "KubeModel", targets: ["KubeModel"]),
        .library(name: "ObjectStore", targets: ["ObjectStore"]),
        .library(name: "APIServer", targets: ["APIServer"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "ControllerRuntime", targets: ["ControllerRuntime"]),
        .library(name: "LocalCluster", targets: ["LocalCluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // JSON value type, objects, selectors, schemas, patches, YAML I/O. No I/O of its own.
        .target(
            name: "KubeModel",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")]
        ),
        // Revisioned SQLite store, watch hub, compaction. Depends on KubeModel only.
        .target(
            name: "ObjectStore",
            dependencies: [
                "KubeModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The Kubernetes client every controller uses: kubeconfig, discovery, typed and unstructured access,
        // patches, server-side apply, watch. JSON only on the wire. No dependency on the server side.
        .target(
            name: "KubeClient",
            dependencies: [
                "KubeModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Informers, work queues, controllers and leader election over KubeClient.
        .target(
            name: "ControllerRuntime",
            dependencies: [
                "KubeModel", "KubeClient",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The Kubernetes REST API over ObjectStore: discovery, OpenAPI, CRUD, patch, apply, watch,
        // tables, subresources, CRDs, garbage collection and namespace lifecycle.
        .target(
            name: "APIServer",
            dependencies: [
                "KubeModel",
                "ObjectStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")]
        ),
        // Process spawning the Swift Glibc overlay cannot express (new session, chdir in posix_spawn).
        .target(name: "CTackSystem"),
        // The local runtime of embedded mode: workload controllers, the kubelet (pods as processes), the
        // service and ingress proxies, and the image catalog. Controllers talk to the API through KubeClient.
        .target(
            name: "LocalCluster",
            dependencies: [
                "KubeModel", "KubeClient", "ControllerRuntime", "APIServer", "CTackSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "tack",
            dependencies: [
                "APIServer",
                "KubeModel",
                "LocalCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Locates Tests/Fixtures and repository files for every test target.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "KubeModel"]),
        .testTarget(
            name: "APIServerTests",
            dependencies: [
                "APIServer", "ObjectStore", "KubeModel", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // An in-process embedded cluster over HTTPS for client and runtime tests.
        .target(
            name: "TestCluster",
            dependencies: ["APIServer", "ObjectStore", "KubeClient", "KubeModel", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestCluster"
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: ["KubeClient", "KubeModel", "APIServer", "TestSupport", "TestCluster"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ControllerRuntimeTests",
            dependencies: ["ControllerRuntime", "KubeClient", "KubeModel", "APIServer", "ObjectStore", "TestSupport", "TestCluster",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "LocalClusterTests",
            dependencies: ["LocalCluster", "ControllerRuntime", "KubeClient", "KubeModel", "APIServer", "TestSupport", "TestCluster",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        // The real kubectl, the Python client and `tack up` as a process, against the embedded server.
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "APIServer", "KubeModel", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Informer sync time, memory per cached object and watch event throughput (bench/informer.sh).
        .executableTarget(name: "InformerBench", dependencies: ["KubeClient", "ControllerRuntime", "KubeModel"], path: "bench/InformerBench"),
    ]
)
