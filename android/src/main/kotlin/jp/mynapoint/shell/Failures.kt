package jp.mynapoint.shell

import jp.mynapoint.core.InternalException
import jp.mynapoint.core.MynaException
import jp.mynapoint.domain.RetryHint

/** The language the core's messages are shown in. */
enum class Lang { JA, EN }

/**
 * A failure as a screen shows it: everything comes from the core (the
 * stable code, the retry hint, the message); the shell only picks the
 * message's language.
 */
data class FailureView(
    val code: String,
    val retry: RetryHint,
    val message: String,
    val triesLeft: Int?,
    val field: String?,
) {
    companion object {
        fun of(e: MynaException.Failed, lang: Lang) = FailureView(
            code = e.code,
            retry = e.retry,
            message = if (lang == Lang.JA) e.messageJa else e.messageEn,
            triesLeft = e.triesLeft?.toInt(),
            field = e.field,
        )

        /** A binding error (not initialised, cancelled): shown with its text. */
        fun of(e: MynaException) = FailureView(
            code = when (e) {
                is MynaException.Failed -> e.code
                is MynaException.NotInitialized -> "not_initialized"
                is MynaException.Cancelled -> "cancelled"
            },
            retry = RetryHint.RETRY_STEP,
            message = e.message ?: e.toString(),
            triesLeft = null,
            field = null,
        )

        /**
         * A bug in the library (a Rust panic, turned into an exception by
         * uniffi): shown, never a crash; the session may be anywhere, so
         * the person starts again.
         */
        fun of(e: InternalException) = FailureView(
            code = "internal",
            retry = RetryHint.START_OVER,
            message = e.message ?: e.toString(),
            triesLeft = null,
            field = null,
        )
    }
}

/** Where the taps come from: each call waits for the next card in the field. */
fun interface CardTaps {
    suspend fun nextTap(): jp.mynapoint.core.CardTransport
}
