package jp.mynapoint.shell

import kotlinx.coroutines.async
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withContext
import kotlinx.coroutines.Dispatchers
import jp.mynapoint.core.EndReason
import jp.mynapoint.core.ApplicationStatus
import jp.mynapoint.core.CardReader
import jp.mynapoint.core.CardTransport
import jp.mynapoint.core.InternalException
import jp.mynapoint.core.MynaException
import jp.mynapoint.core.PaymentForm
import jp.mynapoint.core.PinEntry
import jp.mynapoint.domain.PinKind
import jp.mynapoint.core.PinPurpose
import jp.mynapoint.domain.PinStatus
import jp.mynapoint.core.ReaderCapabilities
import jp.mynapoint.core.ResidentStep
import jp.mynapoint.domain.TapPurpose
import jp.mynapoint.core.tapPrompt
import jp.mynapoint.core.panicForTest
import jp.mynapoint.core.panicForTestAsync
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** A card that never answers: the tap waits until it is cancelled. */
private fun stuckTransport(entered: CompletableDeferred<Unit>) = object : CardTransport {
    override fun capabilities() = ReaderCapabilities(261u, 258u, false)
    override suspend fun transceive(command: ByteArray): ByteArray {
        entered.complete(Unit)
        awaitCancellation()
    }
}

/** Tap 1, then a login whose VERIFY (of a wrong PIN) reaches the card but whose answer is lost. */
private suspend fun loseVerifyAnswer(m: ResidentModel, r: Resident) {
    m.readCard().join()
    r.taps.loseTagAfterVerifyOnNextTap = true
    m.logIn(typed("9999")).join()
    assertFailure(m.state.value.failure, "pin_maybe_counted")
}

private fun model(r: Resident, scope: CoroutineScope, lang: Lang = Lang.EN) =
    ResidentModel(r.flow, r.taps, scope, lang)

private fun ResidentModel.ok(): ResidentUiState {
    val s = state.value
    assertNull(s.failure, "unexpected failure: ${s.failure}")
    return s
}

/** From the card to the submitted application, through the view-state holder. */
private suspend fun applyToEnd(m: ResidentModel, r: Resident) {
    m.readCard().join()
    assertEquals(ResidentStep.EnterPin(PinPurpose.LOGIN), m.ok().step)
    assertEquals(PinScreen.Ask(3), m.state.value.pin)
    m.logIn(typed(PIN)).join()
    assertIs<ResidentStep.ChooseMyKeyId>(m.ok().step)
    m.nextCandidate().join()
    m.chooseCandidate(m.ok().candidates.first().myKeyId).join()
    assertEquals(ResidentStep.EnterRegistration, m.ok().step)
    m.register(registration()).join()
    assertEquals(ResidentStep.ChooseCategories, m.ok().step)
    val open = m.state.value.categories
    assertTrue(open.isNotEmpty(), "the open categories are chosen by default")
    assertNotNull(m.state.value.eligibility)
    m.chooseCategories(open).join()
    assertEquals(ResidentStep.ChooseService, m.ok().step)
    m.search("イオン").join()
    m.chooseService(m.ok().services.first().serviceId).join()
    val service = assertNotNull(m.ok().service)
    m.acceptTerms(service.termsVersion).join()
    m.enterPayment(PaymentForm(sample(service.paymentId), service.securityCodes.map(::sample), "5678")).join()
    assertEquals(ResidentStep.Review, m.ok().step)
    m.confirmReview().join()
    assertEquals(ResidentStep.EnterPin(PinPurpose.SIGN_APPLICATION), m.ok().step)
    m.signAndSubmit(typed(PIN)).join()
    assertEquals(ResidentStep.Done, m.ok().step)
    val app = assertNotNull(m.state.value.application)
    assertEquals(ApplicationStatus.SUBMITTED, app.status)
    assertEquals(open.sorted(), app.categories.map { it.category }.sorted())
    assertEquals(3, r.taps.taps, "three taps: read, login, signature")
    assertEquals(2u, r.card.verifiesReceived(), "one VERIFY per PIN step")
}

val residentCases = listOf(
    Case("resident applies end to end (every APDU through a Kotlin transport)") {
        val r = Resident()
        runBlocking { applyToEnd(model(r, this), r) }
        assertTrue(Logs.lines.none { it.contains(PIN) }, "no PIN in the log lines")
    },
    Case("a wrong PIN says the tries left, in Japanese too, and the PIN is asked again") {
        val r = Resident()
        runBlocking {
            val m = model(r, this, Lang.JA)
            m.readCard().join()
            m.logIn(typed("9999")).join()
            val f = assertFailure(m.state.value.failure, "wrong_pin")
            assertEquals(2, f.triesLeft)
            assertTrue(f.message.contains("2"), f.message)
            assertEquals(PinScreen.Ask(2), m.state.value.pin)
            assertEquals(2u.toUByte(), r.card.triesLeft(PinKind.USER_AUTH))
            m.logIn(typed(PIN)).join()
            assertIs<ResidentStep.ChooseMyKeyId>(m.ok().step)
        }
    },
    Case("the last try is refused until confirmed, without reaching the card") {
        val r = Resident()
        runBlocking {
            val m = model(r, this)
            m.readCard().join()
            m.logIn(typed("9999")).join()
            m.logIn(typed("9999")).join()
            assertEquals(PinScreen.ConfirmLastTry, m.state.value.pin)
            m.logIn(typed(PIN), confirmLastTry = false).join()
            assertFailure(m.state.value.failure, "last_try_refused")
            assertEquals(2u, r.card.verifiesReceived(), "the refused try never reached the card")
            m.logIn(typed(PIN), confirmLastTry = true).join()
            assertIs<ResidentStep.ChooseMyKeyId>(m.ok().step)
            assertEquals(3u.toUByte(), r.card.triesLeft(PinKind.USER_AUTH))
        }
    },
    Case("a locked card: no PIN screen, the municipal counter, nothing more sent") {
        val r = Resident()
        runBlocking {
            val m = model(r, this)
            m.readCard().join()
            m.logIn(typed("9999")).join()
            m.logIn(typed("9999")).join()
            m.logIn(typed("9999"), confirmLastTry = true).join()
            assertFailure(m.state.value.failure, "pin_locked")
            assertEquals(PinScreen.Locked, m.state.value.pin)
            m.logIn(typed(PIN), confirmLastTry = true).join()
            assertFailure(m.state.value.failure, "pin_locked")
            assertEquals(3u, r.card.verifiesReceived(), "nothing sent to a locked card")
        }
    },
    Case("a tag lost during VERIFY: no resend, the counter re-read on the next tap") {
        val r = Resident()
        runBlocking {
            val m = model(r, this)
            loseVerifyAnswer(m, r)
            assertEquals(1u, r.card.verifiesReceived())
            assertEquals(PinScreen.ReadFirst, m.state.value.pin)
            m.checkPinCounter().join()
            val recheck = assertNotNull(m.ok().pinCheck?.recheck)
            assertEquals(true, recheck.tryCounted)
            assertEquals(PinStatus.TriesLeft(2u), recheck.status)
            assertEquals(1u, r.card.verifiesReceived(), "the VERIFY was not sent again")
            assertEquals(PinScreen.Ask(2), m.state.value.pin)
        }
    },
    Case("after a lost VERIFY, the next login tap settles the doubt and verifies the PIN typed again") {
        val r = Resident()
        runBlocking {
            val m = model(r, this)
            loseVerifyAnswer(m, r)
            m.logIn(typed(PIN)).join()
            assertIs<ResidentStep.ChooseMyKeyId>(m.ok().step)
            assertEquals(2u, r.card.verifiesReceived())
            assertEquals(3u.toUByte(), r.card.triesLeft(PinKind.USER_AUTH))
        }
    },
    Case("cancelling an action while the card is awaited ends it; the session goes on") {
        val r = Resident()
        runBlocking {
            val entered = CompletableDeferred<Unit>()
            val stuck = stuckTransport(entered)
            val m = ResidentModel(r.flow, { stuck }, this, Lang.EN)
            val job = m.readCard()
            entered.await()
            val step = withTimeout(5_000) { withContext(Dispatchers.IO) { r.flow.step() } }
            assertEquals(ResidentStep.ReadCard, step, "a getter answers at once while a tap is awaited")
            assertEquals(tapPrompt(TapPurpose.READ_CARD).en, m.state.value.tapPrompt, "the core's words while the card is awaited")
            m.cancel()
            job.join()
            assertTrue(job.isCancelled)
            val again = model(r, this)
            again.readCard().join()
            assertEquals(ResidentStep.EnterPin(PinPurpose.LOGIN), again.ok().step)
        }
    },
    Case("abort while a tap is awaited: the tap is cancelled, the session ends, nothing is kept") {
        val r = Resident()
        runBlocking {
            model(r, this).readCard().join()
            assertEquals(ResidentStep.EnterPin(PinPurpose.LOGIN), r.flow.step())
            assertNotNull(r.flow.cardSerial())
            val entered = CompletableDeferred<Unit>()
            val stuck = stuckTransport(entered)
            val waiting = ResidentModel(r.flow, { stuck }, this, Lang.EN)
            val job = waiting.checkPinCounter()
            entered.await()
            withTimeout(5_000) { waiting.abort().join() }
            assertTrue(job.isCancelled, "the awaited tap was cancelled")
            assertEquals(ResidentStep.Ended(EndReason.ABORTED), waiting.state.value.step)
            assertTrue(r.flow.holdsNothing(), "everything entered is wiped")
            assertNull(r.flow.cardSerial())
        }
    },
    Case("cancel() on the library ends a call waiting for the card (the Swift shell's way)") {
        val r = Resident()
        runBlocking {
            val entered = CompletableDeferred<Unit>()
            val stuck = stuckTransport(entered)
            val call = async(Dispatchers.IO) { runCatching { r.flow.readCard(stuck) } }
            entered.await()
            r.flow.cancel()
            val result = withTimeout(5_000) { call.await() }
            assertIs<MynaException.Cancelled>(result.exceptionOrNull(), "$result")
            model(r, this).readCard().join()
            assertEquals(ResidentStep.EnterPin(PinPurpose.LOGIN), r.flow.step(), "the session goes on")
        }
    },
    Case("an unexpected exception in the transport is a reader error, not a crash") {
        val reader = CardReader()
        val broken = object : CardTransport {
            override fun capabilities() = ReaderCapabilities(261u, 258u, false)
            override suspend fun transceive(command: ByteArray): ByteArray =
                throw IllegalStateException("NFC adapter gone")
        }
        runBlocking {
            val e = assertFailsWith<MynaException.Failed> { reader.cardInfo(broken) }
            assertFailed(e, "reader_error")
            assertTrue(e.detail.orEmpty().contains("NFC adapter gone"))
        }
    },
    Case("card face with 照合番号B; a malformed code never reaches the card") {
        val card = Resident().card
        val reader = CardReader()
        runBlocking {
            val e = assertFailsWith<MynaException.Failed> {
                reader.cardFace(SimCardTransport(card), typed("1234", PinKind.CARD_INFO_CODE_B), false)
            }
            assertFailed(e, "pin_format")
            assertEquals(0u, card.verifiesReceived())
            val face = reader.cardFace(SimCardTransport(card), typed(CODE_B, PinKind.CARD_INFO_CODE_B), false)
            assertEquals("番号 太郎", face.name)
            assertEquals("19900401", face.birthDate)
            val info = reader.cardInfo(SimCardTransport(card))
            assertEquals(2048u, info.keyBits)
            val sig = reader.sign(SimCardTransport(card), typed(PIN), "hello".toByteArray(), false)
            assertEquals(256, sig.size)
        }
    },
    Case("the PIN is typed digit by digit into the library; the tap that uses it empties it") {
        val r = Resident()
        runBlocking {
            val m = model(r, this)
            m.readCard().join()
            val cardInfo = typed(PIN, PinKind.CARD_INFO)
            m.logIn(cardInfo).join()
            assertFailure(m.state.value.failure, "pin_format")
            assertEquals(0u, cardInfo.length(), "an entry for another secret is refused and emptied")
            val entry = PinEntry(PinKind.USER_AUTH)
            assertFailed(assertFailsWith<MynaException.Failed> { entry.press(10u) }, "pin_format")
            PIN.forEach { entry.press((it - '0').toUByte()) }
            assertFailed(assertFailsWith<MynaException.Failed> { entry.press(1u) }, "pin_format")
            assertEquals(4u, entry.length())
            assertTrue(entry.isComplete())
            entry.deleteLast()
            m.logIn(entry).join()
            assertFailure(m.state.value.failure, "pin_format")
            assertEquals(0u, entry.length(), "emptied by the call, even when refused")
            assertEquals(0u, r.card.verifiesReceived(), "a short PIN never reaches the card")
            PIN.forEach { entry.press((it - '0').toUByte()) }
            m.logIn(entry).join()
            assertIs<ResidentStep.ChooseMyKeyId>(m.ok().step)
            assertEquals(0u, entry.length())
        }
    },
    Case("a panic in the library is an exception, and the library keeps working") {
        Shared.platform
        assertFailsWith<InternalException> { panicForTest("a bug, on purpose") }
        runBlocking {
            assertFailsWith<InternalException> { panicForTestAsync("a bug in a task, on purpose") }
            panicForTestAsync("")
            val info = CardReader().cardInfo(SimCardTransport(Resident().card))
            assertTrue(info.validNow)
        }
    },
)
