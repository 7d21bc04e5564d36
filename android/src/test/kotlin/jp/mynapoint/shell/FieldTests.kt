package jp.mynapoint.shell

import jp.mynapoint.domain.PinKind
import java.nio.file.Files
import jp.mynapoint.core.FieldFlow
import jp.mynapoint.core.FieldStep
import jp.mynapoint.core.NetworkSwitch
import jp.mynapoint.core.SecretStore
import jp.mynapoint.core.SimulatedCard
import jp.mynapoint.domain.TapPurpose
import jp.mynapoint.core.tapPrompt
import jp.mynapoint.core.VerdictKind
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** The shell's secret store stand-in (the Keystore's role), in memory. */
class MemorySecrets : SecretStore {
    private val values = java.util.concurrent.ConcurrentHashMap<String, ByteArray>()
    override fun get(name: String): ByteArray? = values[name]?.copyOf()
    override fun put(name: String, value: ByteArray) {
        values[name] = value.copyOf()
    }
}

/** Cards the test holds to the phone, one after another. */
class HeldCards : CardTaps {
    val queue = Channel<SimulatedCard>(Channel.UNLIMITED)
    override suspend fun nextTap() = SimCardTransport(queue.receive())
}

/** A resident with a My Key ID (card login + issuance through the resident flow). */
private suspend fun withMyKeyId(scope: CoroutineScope): Pair<Resident, String> {
    val r = Resident()
    val m = ResidentModel(r.flow, r.taps, scope, Lang.EN)
    m.readCard().join()
    m.logIn(typed(PIN)).join()
    m.nextCandidate().join()
    m.chooseCandidate(m.state.value.candidates.first().myKeyId).join()
    m.register(registration()).join()
    assertNull(m.state.value.failure)
    return r to assertNotNull(r.flow.myKeyId())
}

private suspend fun <T> settle(block: suspend () -> T): T = withTimeout(60_000) { block() }

val fieldCases = listOf(
    Case("field: offline continuous reading with instant verdicts, cancelled, then upload and add-registration") {
        runBlocking {
            val (onRoster, onRosterId) = withMyKeyId(this)
            val (notOnRoster, notOnRosterId) = withMyKeyId(this)
            val setup = Shared.platform.setUpField(listOf(onRosterId))
            val network = NetworkSwitch(Shared.platform.baseUrl())
            val dir = Files.createTempDirectory("mynapoint-field").toString()
            val flow = FieldFlow.open(network.baseUrl(), dir, MemorySecrets())
            val held = HeldCards()
            val m = FieldModel(flow, held, this, Lang.JA)

            m.login(setup.terminalId, setup.terminalPassword).join()
            assertNull(m.state.value.failure, "${m.state.value.failure}")
            assertEquals(true, m.state.value.login?.deviceRegistered)
            m.syncRoster(setup.projectId).join()
            m.chooseProject(setup.projectId).join()
            m.confirmPoints(setup.points).join()
            assertEquals(FieldStep.TAPPING, m.state.value.step)

            // No network from here: the verdicts come from the synced roster.
            network.setOnline(false)
            val reading = m.startReading()
            val expected = listOf(
                onRoster.card to VerdictKind.ON_ROSTER,
                notOnRoster.card to VerdictKind.NOT_ON_ROSTER,
                onRoster.card to VerdictKind.DUPLICATE,
            )
            for ((i, pair) in expected.withIndex()) {
                held.queue.send(pair.first)
                settle { m.state.first { it.tapsRead == i + 1 } }
                val verdict = assertNotNull(m.state.value.verdict)
                assertEquals(pair.second, verdict.kind, "tap ${i + 1}")
                if (pair.second == VerdictKind.ON_ROSTER) assertEquals(setup.points, verdict.points)
                if (pair.second != VerdictKind.ON_ROSTER) assertNull(verdict.points, "nothing of the previous participant")
            }
            assertEquals(tapPrompt(TapPurpose.PARTICIPANT).ja, m.state.value.tapPrompt, "the core's words, in Japanese")
            // Cancel continuous reading while it waits for the next card.
            m.stopReading().join()
            assertNull(m.state.value.tapPrompt)
            assertTrue(reading.isCancelled, "continuous reading was cancelled")
            assertEquals(FieldStep.IDLE, m.state.value.step)
            assertEquals(3L, m.state.value.pending)

            // Upload offline: refused, nothing lost.
            m.upload().join()
            assertEquals("network", m.state.value.failure?.code)
            assertEquals(3L, m.state.value.pending)

            network.setOnline(true)
            m.upload().join()
            assertNull(m.state.value.failure, "${m.state.value.failure}")
            val up = assertNotNull(m.state.value.upload)
            assertEquals(1u, up.granted)
            assertEquals(1u, up.notOnRoster)
            assertEquals(0L, m.state.value.pending)

            // The not-on-roster participant, added with their card face (照合番号B).
            m.loadNotOnRoster(setup.projectId).join()
            assertEquals(listOf(notOnRosterId), m.state.value.notOnRoster.map { it.myKeyId })
            held.queue.send(notOnRoster.card)
            m.readCardFace(typed(CODE_B, PinKind.CARD_INFO_CODE_B)).join()
            assertEquals("番号 太郎", m.state.value.face?.name)
            m.addFromCardFace(setup.projectId, notOnRosterId, setup.municipalityCode).join()
            assertNull(m.state.value.failure, "${m.state.value.failure}")
            m.loadResults(setup.projectId).join()
            val results = m.state.value.results.map { it.result }
            assertEquals(3, results.size)
            assertEquals(2, results.count { it == "granted" }, "$results")
        }
    },
)
