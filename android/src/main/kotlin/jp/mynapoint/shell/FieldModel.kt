package jp.mynapoint.shell

import jp.mynapoint.core.CardTap
import jp.mynapoint.core.FieldFlow
import jp.mynapoint.core.FieldStep
import jp.mynapoint.core.GrantProject
import jp.mynapoint.core.InternalException
import jp.mynapoint.core.MynaException
import jp.mynapoint.core.NotOnRosterEntry
import jp.mynapoint.core.ParticipantFace
import jp.mynapoint.core.PinEntry
import jp.mynapoint.core.TapRecord
import jp.mynapoint.core.TapSource
import jp.mynapoint.domain.TapPurpose
import jp.mynapoint.core.TapVerdict
import jp.mynapoint.core.tapPrompt
import jp.mynapoint.core.TerminalLogin
import jp.mynapoint.core.UploadSummary
import jp.mynapoint.core.VerdictListener
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Everything the field screens show. */
data class FieldUiState(
    val step: FieldStep = FieldStep.IDLE,
    val login: TerminalLogin? = null,
    val projects: List<GrantProject> = emptyList(),
    val project: GrantProject? = null,
    /** Continuous reading is running. */
    val reading: Boolean = false,
    /** The verdict of the LAST tap only: nothing of an earlier participant stays. */
    val verdict: TapVerdict? = null,
    /** Taps read in this run of continuous reading. */
    val tapsRead: Int = 0,
    val pending: Long = 0,
    val upload: UploadSummary? = null,
    val results: List<TapRecord> = emptyList(),
    val notOnRoster: List<NotOnRosterEntry> = emptyList(),
    val face: ParticipantFace? = null,
    val busy: Boolean = false,
    /** While cards are awaited: what to tell staff and participants (the core's words). */
    val tapPrompt: String? = null,
    val failure: FailureView? = null,
)

/**
 * The field flow's view-state holder (plain Kotlin: coroutines + Flow).
 * Continuous reading runs in the core (`readContinuously`): each card the
 * [CardTaps] deliver gets its verdict at once; [stopReading] cancels it.
 */
class FieldModel(
    private val flow: FieldFlow,
    private val taps: CardTaps,
    private val scope: CoroutineScope,
    private val lang: Lang,
) {
    private val _state = MutableStateFlow(FieldUiState())
    val state: StateFlow<FieldUiState> = _state.asStateFlow()
    private var reading: Job? = null

    private fun act(tap: TapPurpose? = null, block: suspend () -> Unit): Job = scope.launch {
        val words = tap?.let { tapPrompt(it).let { p -> if (lang == Lang.JA) p.ja else p.en } }
        _state.update { it.copy(busy = true, failure = null, tapPrompt = words) }
        try {
            block()
        } catch (e: MynaException.Failed) {
            _state.update { it.copy(failure = FailureView.of(e, lang)) }
        } catch (e: MynaException) {
            _state.update { it.copy(failure = FailureView.of(e)) }
        } catch (e: InternalException) {
            _state.update { it.copy(failure = FailureView.of(e)) }
        } finally {
            // Also after a cancellation: the screen shows where the session is.
            withContext(NonCancellable) {
                val step = runCatching { flow.step() }.getOrNull()
                val pending = runCatching { flow.pendingTaps().toLong() }.getOrNull()
                _state.update {
                    it.copy(step = step ?: it.step, pending = pending ?: it.pending, busy = false, tapPrompt = null)
                }
            }
        }
    }

    fun login(terminalId: String, password: String) = act {
        val login = flow.login(terminalId, password)
        _state.update { it.copy(login = login, projects = login.projects) }
    }

    fun syncRoster(projectId: String) = act {
        flow.syncRoster(projectId)
        _state.update { it.copy(projects = flow.projects()) }
    }

    fun chooseProject(projectId: String) = act {
        val project = flow.chooseProject(projectId)
        _state.update { it.copy(project = project) }
    }

    /** Staff confirm the points per person shown; then reading may start. */
    fun confirmPoints(points: UInt) = act { flow.confirmPoints(points) }

    /** Starts continuous reading: one verdict per card, until [stopReading]. */
    fun startReading(): Job {
        reading?.cancel()
        val source = object : TapSource {
            override suspend fun nextTap(): CardTap = CardTap(taps.nextTap())
        }
        val listener = object : VerdictListener {
            override fun onVerdict(verdict: TapVerdict) {
                _state.update { it.copy(verdict = verdict, tapsRead = it.tapsRead + 1) }
            }
        }
        _state.update { it.copy(reading = true, verdict = null, tapsRead = 0) }
        val job = act(TapPurpose.PARTICIPANT) { flow.readContinuously(source, listener) }
        job.invokeOnCompletion { _state.update { it.copy(reading = false) } }
        reading = job
        return job
    }

    /** Cancels continuous reading (a card being read is abandoned, not recorded). */
    fun stopReading() = act {
        reading?.cancel()
        reading?.join()
        flow.stop()
        _state.update { it.copy(verdict = null) }
    }

    fun upload() = act {
        val summary = flow.upload()
        _state.update { it.copy(upload = summary) }
    }

    fun loadResults(projectId: String?) = act {
        val results = flow.results(projectId)
        _state.update { it.copy(results = results) }
    }

    fun loadNotOnRoster(projectId: String) = act {
        val list = flow.notOnRoster(projectId)
        _state.update { it.copy(notOnRoster = list) }
    }

    /** 照合番号B typed first, then one tap: the participant's card face. */
    fun readCardFace(codeB: PinEntry) = act(TapPurpose.CARD_FACE) {
        try {
            val face = flow.readCardFace(taps.nextTap(), codeB)
            _state.update { it.copy(face = face) }
        } finally {
            codeB.clear() // the tap never came (cancelled): nothing typed stays
        }
    }

    fun addFromCardFace(projectId: String, myKeyId: String, municipalityCode: String) = act {
        val face = _state.value.face ?: return@act
        flow.addRegistrationFromCardFace(projectId, myKeyId, municipalityCode, face)
        _state.update { it.copy(face = null) }
    }

    /** Adds a not-on-roster participant with their row of the participant master. */
    fun addFromMaster(projectId: String, myKeyId: String) = act {
        flow.addRegistrationFromMaster(projectId, myKeyId)
    }
}
