package jp.mynapoint.shell

import kotlin.system.exitProcess

/** A named test. */
class Case(val name: String, val body: () -> Unit)

/**
 * Runs every case, prints one line each, and exits 1 when any failed.
 * (No JUnit here: Maven Central is out of reach; kotlin-test's asserts
 * come with the compiler.)
 */
fun runCases(cases: List<Case>, only: String?) {
    var failed = 0
    var ran = 0
    for (case in cases) {
        if (only != null && !case.name.contains(only)) continue
        ran++
        val started = System.nanoTime()
        try {
            case.body()
            println("ok      ${case.name} (${(System.nanoTime() - started) / 1_000_000} ms)")
        } catch (t: Throwable) {
            failed++
            println("FAILED  ${case.name}: $t")
            t.printStackTrace(System.out)
        }
    }
    println("$ran cases, $failed failed")
    if (failed > 0 || ran == 0) exitProcess(1)
}
