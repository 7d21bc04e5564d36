package jp.mynapoint.shell

import jp.mynapoint.core.EndReason
import jp.mynapoint.core.PaymentForm
import jp.mynapoint.domain.PinKind
import jp.mynapoint.core.ResidentFlow
import jp.mynapoint.core.ResidentStep
import jp.mynapoint.core.SimulatedCard
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private const val CHILD_BIRTH_DATE = "20200101"

private fun ResidentModel.ok(): ResidentUiState {
    val s = state.value
    assertNull(s.failure, "unexpected failure: ${s.failure}")
    return s
}

/** Read, log in, take the first candidate, register: the categories come next. */
private suspend fun loggedInWithMyKeyId(m: ResidentModel) {
    m.readCard().join()
    m.logIn(typed(PIN)).join()
    m.nextCandidate().join()
    m.chooseCandidate(m.ok().candidates.first().myKeyId).join()
    m.register(registration()).join()
    assertEquals(ResidentStep.ChooseCategories, m.ok().step)
    assertNotNull(m.state.value.myKeyId)
}

/** From the categories to the review, with the first service the catalogue finds. */
private suspend fun toReview(m: ResidentModel) {
    m.chooseCategories(m.ok().categories).join()
    m.search("イオン").join()
    m.chooseService(m.ok().services.first().serviceId).join()
    val service = assertNotNull(m.ok().service)
    m.acceptTerms(service.termsVersion).join()
    m.enterPayment(PaymentForm(uniquePaymentId(service.paymentId), service.securityCodes.map(::sample), null)).join()
    assertEquals(ResidentStep.Review, m.ok().step)
}

private fun model(r: Resident, scope: CoroutineScope) = ResidentModel(r.flow, r.taps, scope, Lang.EN)

val accountCases = listOf(
    Case("a legal representative applies for a child: the child's card and then theirs sign") {
        val child = Resident()
        val representative = SimulatedCard(PIN, CODE_B)
        val stranger = SimulatedCard(PIN, CODE_B)
        runBlocking {
            val m = model(child, this)
            loggedInWithMyKeyId(m)
            m.applyForChild("19900401").join()
            assertFailure(m.state.value.failure, "invalid_child_birth_date")
            m.applyForChild(CHILD_BIRTH_DATE).join()
            assertEquals(CHILD_BIRTH_DATE, m.ok().childBirthDate)

            // The child's own card is not a representative; the session goes on.
            m.readRepresentativeCard().join()
            assertFailure(m.state.value.failure, "representative_is_applicant")
            child.taps.card = representative
            m.readRepresentativeCard().join()
            val rep = assertNotNull(m.ok().representative)
            assertEquals(PinScreen.Ask(3), PinScreen.of(rep.pin))
            assertEquals(0u, representative.verifiesReceived(), "reading the representative's card needs no PIN")

            child.taps.card = child.card
            toReview(m)
            val forChild = assertNotNull(m.state.value.review?.forChild, "the review names the child")
            assertEquals(CHILD_BIRTH_DATE, forChild.birthDate)
            assertEquals(rep.serialHex, forChild.representativeSerialHex)
            m.confirmReview().join()
            m.signAndSubmit(typed(PIN)).join()
            assertFailure(m.state.value.failure, "representative_signature_needed")
            assertEquals(ResidentStep.RepresentativeSign, m.state.value.step)
            assertEquals(PinScreen.Ask(3), m.state.value.pin, "the representative's own counter")
            assertNull(m.state.value.application, "nothing submitted before the representative signs")

            // Another card than the one read is refused before any PIN reaches it.
            child.taps.card = stranger
            m.representativeSigns(typed(PIN)).join()
            assertFailure(m.state.value.failure, "representative_card_mismatch")
            assertEquals(0u, stranger.verifiesReceived())

            assertEquals(ResidentStep.RepresentativeSign, m.state.value.step)
            assertNull(m.state.value.application)

            // The card read before signs.
            child.taps.card = representative
            m.representativeSigns(typed(PIN)).join()
            assertEquals(ResidentStep.Done, m.ok().step)
            val app = assertNotNull(m.state.value.application)
            assertEquals(CHILD_BIRTH_DATE, app.forChild?.birthDate)
            assertEquals(rep.serialHex, app.forChild?.representativeSerialHex)
            assertEquals(1u, representative.verifiesReceived(), "one VERIFY on the representative's card")
            assertEquals(3u.toUByte(), representative.triesLeft(PinKind.USER_AUTH))
        }
        assertTrue(Logs.lines.none { it.contains(PIN) }, "no PIN in the log lines")
    },
    Case("a My Key ID is changed in a new session, then revoked only with the id typed again") {
        val r = Resident()
        runBlocking {
            val first = model(r, this)
            loggedInWithMyKeyId(first)
            val old = assertNotNull(first.state.value.myKeyId)
            first.startMyKeyIdChange().join()
            assertFailure(first.state.value.failure, "fresh_login_required")

            // A new session: the card and the PIN again.
            val again = ResidentModel(ResidentFlow(Shared.platform.baseUrl()), r.taps, this, Lang.EN)
            again.readCard().join()
            again.logIn(typed(PIN)).join()
            assertEquals(old, again.ok().myKeyId, "recovered at login")
            val back = again.state.value.step
            again.startMyKeyIdChange().join()
            assertIs<ResidentStep.ChooseMyKeyId>(again.ok().step)
            assertTrue(again.state.value.changingMyKeyId)
            again.nextCandidate().join()
            val chosen = again.ok().candidates.first().myKeyId
            again.chooseCandidate(chosen).join()
            again.changeMyKeyId().join()
            assertEquals(chosen, again.ok().myKeyId)
            assertNotEquals(old, chosen)
            assertEquals(back, again.state.value.step, "back where the change started")
            assertEquals(false, again.state.value.changingMyKeyId)

            again.revokeMyKeyId(old).join()
            assertFailure(again.state.value.failure, "revocation_not_confirmed")
            assertEquals(back, again.state.value.step, "nothing sent, the session stays")
            again.revokeMyKeyId("  $chosen ").join()
            assertEquals(ResidentStep.Ended(EndReason.REVOKED), again.ok().step)
            assertNull(again.state.value.myKeyId)
        }
    },
)
