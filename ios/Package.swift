// swift-tools-version:5.9
// mynapoint for iOS: the Rust library as an XCFramework (build-xcframework.sh
// on a Mac), its generated Swift bindings (MynapointCore), and the shell's
// Core NFC transport, Keychain secret store and SwiftUI view models
// (MynapointShell). An app adds this package and the Info.plist keys and
// entitlement in App/.
import PackageDescription

let package = Package(
    name: "Mynapoint",
    platforms: [.iOS(.v15)],
    products: [
        .library(name: "MynapointShell", targets: ["MynapointShell"]),
    ],
    targets: [
        // Built by build-xcframework.sh (static libraries per platform,
        // the generated header and module map).
        .binaryTarget(name: "MynapointCoreFFI", path: "build/MynapointCoreFFI.xcframework"),
        // The uniffi-generated Swift, copied here by build-xcframework.sh:
        // the core's domain types, then the library's API that uses them.
        .target(
            name: "MynapointDomain",
            dependencies: ["MynapointCoreFFI"],
            path: "build/Generated/Domain"
        ),
        .target(
            name: "MynapointCore",
            dependencies: ["MynapointDomain", "MynapointCoreFFI"],
            path: "build/Generated/Core"
        ),
        .target(
            name: "MynapointShell",
            dependencies: ["MynapointCore", "MynapointDomain"],
            path: "Sources/MynapointShell"
        ),
    ]
)
