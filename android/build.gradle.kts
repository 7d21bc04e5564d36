// The Android library module (AAR) of mynapoint: the generated Kotlin
// bindings, the Rust library per ABI in jniLibs (cargo-ndk), JNA as an AAR,
// the NFC transport, the Keystore secret store and the view-state holders.
//
// Needs on the build machine: the Android SDK + NDK (ANDROID_NDK_HOME),
// Rust with the Android targets (`rustup target add aarch64-linux-android
// armv7-linux-androideabi x86_64-linux-android`) and `cargo install cargo-ndk`.
//   ./gradlew :mynapoint:assembleRelease  ->  build/outputs/aar/mynapoint-release.aar
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

val workspace = rootDir.resolve("..").canonicalFile
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
val jniOut = layout.buildDirectory.dir("rust/jniLibs")
val generatedKotlin = layout.buildDirectory.dir("generated/uniffi/kotlin")

android {
    namespace = "jp.mynapoint"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].apply {
        jniLibs.srcDir(jniOut)
        kotlin.srcDir(generatedKotlin)
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions {
        jvmTarget = "17"
        allWarningsAsErrors = true
    }
}

dependencies {
    // JNA's AAR carries libjnidispatch.so for every ABI (the jar does not).
    implementation("net.java.dev.jna:jna:5.15.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.1")
}

// The Rust library for each ABI, release profile `mobile` (LTO, size), into jniLibs.
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = workspace
    val targets = abis.flatMap { listOf("-t", it) }
    commandLine(
        listOf("cargo", "ndk") + targets +
            listOf("-o", jniOut.get().asFile.path, "--platform", "26",
                "build", "--profile", "mobile", "-p", "mynapoint-bindings")
    )
}

// Kotlin from the UNSTRIPPED host build of the same sources (uniffi reads
// its metadata), with android = true (uniffi-android.toml).
val uniffiKotlin by tasks.registering(Exec::class) {
    workingDir = workspace
    commandLine(
        "bash", "-c",
        "cargo build -p mynapoint-bindings --profile mobile && " +
            "cargo run -q -p uniffi-bindgen -- generate --no-format " +
            "--library target/mobile/libmynapoint_ffi.so --language kotlin " +
            "--config android/uniffi-android.toml --out-dir '${generatedKotlin.get().asFile.path}'"
    )
}

tasks.named("preBuild") { dependsOn(cargoNdk, uniffiKotlin) }
