// Standalone build of the library module: `./gradlew assembleRelease` here,
// or include this folder as `:mynapoint` in an app's settings.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "mynapoint"
