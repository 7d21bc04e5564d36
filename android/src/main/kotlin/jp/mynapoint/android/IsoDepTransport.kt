package jp.mynapoint.android

import android.app.Activity
import android.nfc.NfcAdapter
import android.nfc.Tag
import android.nfc.TagLostException
import android.nfc.tech.IsoDep
import android.os.Bundle
import java.io.IOException
import jp.mynapoint.core.CardTransport
import jp.mynapoint.core.ReaderCapabilities
import jp.mynapoint.core.TransportException
import jp.mynapoint.shell.CardTaps
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.withContext

/**
 * One tap of a My Number Card (NFC-B, ISO 14443-4) through [IsoDep], under
 * the core's `CardTransport` contract: the whole response (data + SW1 SW2)
 * as `transceive` returns it, no retries, [TagLostException] as `TagLost`.
 */
class IsoDepTransport(private val isoDep: IsoDep) : CardTransport {
    init {
        if (!isoDep.isConnected) isoDep.connect()
        // An RSA-2048 signature takes longer than IsoDep's default timeout.
        isoDep.timeout = RSA_TIMEOUT_MS
    }

    /** Read from the phone at run time: some report about 200 bytes, some extended length. */
    override fun capabilities(): ReaderCapabilities {
        val max = isoDep.maxTransceiveLength.toUInt()
        return ReaderCapabilities(max, max, isoDep.isExtendedLengthApduSupported)
    }

    override suspend fun transceive(command: ByteArray): ByteArray = withContext(Dispatchers.IO) {
        try {
            isoDep.transceive(command)
        } catch (e: TagLostException) {
            throw TransportException.TagLost()
        } catch (e: IOException) {
            throw TransportException.Io(e.javaClass.simpleName + ": " + (e.message ?: ""))
        } catch (e: SecurityException) {
            // The Tag object is stale (a new tap replaced it): the card left.
            throw TransportException.TagLost()
        } catch (t: Throwable) {
            // Never let an Error escape into the generated code (the call would never end).
            throw TransportException.Io(t.toString())
        }
    }

    companion object {
        const val RSA_TIMEOUT_MS = 5_000
    }
}

/**
 * Taps from NFC reader mode: NFC-B only, NDEF checks skipped (the card has
 * no NDEF; the check would cost time and APDUs), no platform sound.
 * [start] in `onResume`, [stop] in `onPause`.
 */
class ReaderModeTaps(private val activity: Activity) : CardTaps {
    private val adapter: NfcAdapter? = NfcAdapter.getDefaultAdapter(activity)
    private val tags = Channel<Tag>(Channel.CONFLATED)

    val available: Boolean get() = adapter?.isEnabled == true

    fun start() {
        val flags = NfcAdapter.FLAG_READER_NFC_B or NfcAdapter.FLAG_READER_SKIP_NDEF_CHECK or
            NfcAdapter.FLAG_READER_NO_PLATFORM_SOUNDS
        val extras = Bundle().apply { putInt(NfcAdapter.EXTRA_READER_PRESENCE_CHECK_DELAY, 1_000) }
        adapter?.enableReaderMode(activity, { tag -> tags.trySend(tag) }, flags, extras)
    }

    fun stop() {
        adapter?.disableReaderMode(activity)
    }

    /** Waits for the next card; a tag without IsoDep is not a My Number Card: waits on. */
    override suspend fun nextTap(): CardTransport {
        while (true) {
            val isoDep = IsoDep.get(tags.receive()) ?: continue
            return withContext(Dispatchers.IO) { IsoDepTransport(isoDep) }
        }
    }
}
