package jp.mynapoint.shell

import java.io.File
import jp.mynapoint.core.Charset
import jp.mynapoint.core.EmbeddedPlatform
import jp.mynapoint.core.FieldRule
import jp.mynapoint.core.LogLevel
import jp.mynapoint.core.LogSink
import jp.mynapoint.core.MynaException
import jp.mynapoint.core.Notifications
import jp.mynapoint.core.PinEntry
import jp.mynapoint.domain.PinKind
import jp.mynapoint.core.RegistrationForm
import jp.mynapoint.core.ResidentFlow
import jp.mynapoint.core.SimulatedCard
import jp.mynapoint.core.`init` as initLibrary
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

const val PIN = "4821"
const val CODE_B = "90040135120807"

/** [digits] pressed one by one on the keypad, as the PIN screen does. */
fun typed(digits: String, kind: PinKind = PinKind.USER_AUTH): PinEntry =
    PinEntry(kind).also { entry -> digits.forEach { entry.press((it - '0').toUByte()) } }

/** Every log line the library sent, to check that no secret is in them. */
object Logs : LogSink {
    val lines = java.util.Collections.synchronizedList(mutableListOf<String>())
    override fun log(level: LogLevel, target: String, message: String) {
        lines.add("$level $target $message")
    }
}

/** The library once, the embedded platform once, for every case. */
object Shared {
    val platform: EmbeddedPlatform by lazy {
        initLibrary(Logs)
        EmbeddedPlatform.start()
    }

    /** `core/failure-codes.txt`: code -> retry hint (the core's own list). */
    val hints: Map<String, String> by lazy {
        val path = System.getProperty("mynapoint.failureCodes") ?: "core/failure-codes.txt"
        File(path).readLines()
            .map { it.trim() }
            .filter { it.isNotEmpty() && !it.startsWith("#") }
            .associate { line -> line.split(" ").let { it[0] to it[1] } }
    }
}

/** One resident with a new card, a new session and its view-state holder's parts. */
class Resident {
    val card = SimulatedCard(PIN, CODE_B)
    val taps = SimTaps(card)
    val flow = ResidentFlow(Shared.platform.baseUrl())
}

/** Checks a failure against the core's list: its hint is the listed one, its messages exist. */
fun assertFailure(failure: FailureView?, code: String): FailureView {
    if (failure == null) fail("expected the failure $code, got none")
    assertEquals(code, failure.code, "failure code (message: ${failure.message})")
    val listed = Shared.hints[code] ?: fail("$code is not in core/failure-codes.txt")
    assertEquals(listed, failure.retry.name.lowercase(), "retry hint of $code")
    assertTrue(failure.message.isNotBlank(), "a message for $code")
    return failure
}

/** The same, on the exception itself (both languages). */
fun assertFailed(e: MynaException.Failed, code: String) {
    assertEquals(code, e.code, e.messageEn)
    assertEquals(Shared.hints[code], e.retryCode)
    assertTrue(e.messageJa.isNotBlank() && e.messageEn.isNotBlank() && e.messageJa != e.messageEn)
}

fun registration() = RegistrationForm(
    password = "Demo2024",
    passwordAgain = "Demo2024",
    email = "taro@example.jp",
    emailAgain = "taro@example.jp",
    notifications = Notifications(true, true, true, true),
    baseMunicipality = "131016",
)

/**
 * A payment ID that fits the service's rule and no other test used: one
 * payment account holds one person's points, and the platform is shared.
 */
fun uniquePaymentId(rule: FieldRule): String {
    val unique = (System.nanoTime() % 1_000_000_000L).toString().padStart(9, '0')
    val base = sample(rule)
    return base.take(maxOf(0, base.length - unique.length)) + unique.takeLast(minOf(unique.length, base.length))
}

/** `len` characters a field of `charset` takes (test data that fits the service's rule). */
fun sample(rule: FieldRule): String = (0 until rule.minLen.toInt()).map { i ->
    when (rule.charset) {
        Charset.DIGITS -> '0' + (i + 1) % 10
        Charset.ALNUM_UPPER, Charset.ALNUM -> if (i % 3 == 0) 'A' + (i / 3) % 26 else '0' + i % 10
    }
}.joinToString("")
