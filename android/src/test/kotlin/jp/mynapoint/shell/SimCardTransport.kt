package jp.mynapoint.shell

import jp.mynapoint.core.CardTransport
import jp.mynapoint.core.ReaderCapabilities
import jp.mynapoint.core.SimulatedCard
import jp.mynapoint.core.TransportException

/**
 * A phone tap on the simulated card: a Kotlin [CardTransport], so every
 * APDU goes Rust (core) -> Kotlin -> Rust (card) and the answer back.
 * Short APDUs only, like most phones. A new transport is a new tap (the
 * card is powered again).
 */
class SimCardTransport(
    private val card: SimulatedCard,
    /** The tag is lost right after a VERIFY carrying a PIN reached the card. */
    private val loseTagAfterVerify: Boolean = false,
    /** The tag is lost after this many exchanges (the card got the last one). */
    private val loseTagAfter: Int? = null,
) : CardTransport {
    var exchanges = 0
        private set
    private var lost = false

    init {
        card.powerOn()
    }

    override fun capabilities() = ReaderCapabilities(261u, 258u, false)

    override suspend fun transceive(command: ByteArray): ByteArray {
        try {
            if (lost) throw TransportException.TagLost()
            exchanges++
            val response = card.exchange(command)
            val isVerifyWithPin = command.size > 5 && command[1] == 0x20.toByte()
            if ((loseTagAfterVerify && isVerifyWithPin) || exchanges == loseTagAfter) {
                lost = true
                throw TransportException.TagLost()
            }
            return response
        } catch (e: TransportException) {
            throw e
        } catch (t: Throwable) {
            // Contract: everything else is an I/O error (never escape as a Throwable).
            throw TransportException.Io(t.toString())
        }
    }
}

/**
 * Taps that each make a new [SimCardTransport] on [card] (the card held to
 * the phone: a test may hand over another); the test can plan a fault for
 * the next one.
 */
class SimTaps(var card: SimulatedCard) : CardTaps {
    var loseTagAfterVerifyOnNextTap = false
    var taps = 0
        private set
    var last: SimCardTransport? = null
        private set

    override suspend fun nextTap(): SimCardTransport {
        taps++
        val t = SimCardTransport(card, loseTagAfterVerify = loseTagAfterVerifyOnNextTap)
        loseTagAfterVerifyOnNextTap = false
        last = t
        return t
    }
}
