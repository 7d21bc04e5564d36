package jp.mynapoint.shell

import jp.mynapoint.core.Candidate
import jp.mynapoint.core.CardSummary
import jp.mynapoint.core.Category
import jp.mynapoint.core.Eligibility
import jp.mynapoint.core.InternalException
import jp.mynapoint.core.LoginOutcome
import jp.mynapoint.core.MynaException
import jp.mynapoint.core.PaymentForm
import jp.mynapoint.core.PinCheck
import jp.mynapoint.core.PinEntry
import jp.mynapoint.core.PointsApplication
import jp.mynapoint.core.RegistrationForm
import jp.mynapoint.core.ResidentFlow
import jp.mynapoint.core.ResidentStep
import jp.mynapoint.core.Review
import jp.mynapoint.core.Service
import jp.mynapoint.core.ServiceSummary
import jp.mynapoint.domain.TapPurpose
import jp.mynapoint.core.tapPrompt
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** Everything the resident screens show; one immutable value per change. */
data class ResidentUiState(
    val step: ResidentStep = ResidentStep.ReadCard,
    /** Set at a PIN step: what the PIN screen shows. */
    val pin: PinScreen? = null,
    /** The NFC prompt is up: waiting for the card or talking to it. */
    val busy: Boolean = false,
    /** While a tap is awaited: what to tell the person (the core's words for this tap). */
    val tapPrompt: String? = null,
    /** The last failure, until the next action. */
    val failure: FailureView? = null,
    val login: LoginOutcome? = null,
    val candidates: List<Candidate> = emptyList(),
    /** At the categories step: each category's state, amount and requirement. */
    val eligibility: Eligibility? = null,
    /** The categories chosen so far (all open ones by default, from the core). */
    val categories: List<Category> = emptyList(),
    val services: List<ServiceSummary> = emptyList(),
    val service: Service? = null,
    val review: Review? = null,
    val application: PointsApplication? = null,
    /** The counter read after a lost VERIFY (whether that try counted). */
    val pinCheck: PinCheck? = null,
    /** The person's My Key ID (recovered at login, issued, or changed). */
    val myKeyId: String? = null,
    /** The choice step belongs to a My Key ID change (offer "cancel", then "change"). */
    val changingMyKeyId: Boolean = false,
    /** A child application: the child's birth date (`YYYYMMDD`). */
    val childBirthDate: String? = null,
    /** A child application: the representative's card, once read. */
    val representative: CardSummary? = null,
)

/**
 * The resident flow's view-state holder (plain Kotlin: coroutines + Flow).
 * It holds no rules: it calls the core, shows the step, the PIN prompt and
 * the failure the core returns. One action at a time; [cancel] stops the
 * running one (its card exchange is abandoned, the core's PIN rules stay
 * in force: a VERIFY in flight is settled on the next tap).
 */
class ResidentModel(
    private val flow: ResidentFlow,
    private val taps: CardTaps,
    private val scope: CoroutineScope,
    private val lang: Lang,
) {
    private val _state = MutableStateFlow(ResidentUiState())
    val state: StateFlow<ResidentUiState> = _state.asStateFlow()
    private var running: Job? = null

    private fun act(tap: TapPurpose? = null, block: suspend () -> Unit): Job {
        running?.cancel()
        val words = tap?.let { tapPrompt(it).let { p -> if (lang == Lang.JA) p.ja else p.en } }
        val job = scope.launch {
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
                refresh()
            }
        }
        running = job
        return job
    }

    private fun refresh() {
        val step = flow.step()
        // The PIN screen of the card that taps next: the resident's, or the
        // legal representative's at RepresentativeSign.
        val pin = when (step) {
            is ResidentStep.EnterPin -> PinScreen.of(flow.pinPrompt())
            ResidentStep.RepresentativeSign -> PinScreen.of(flow.representativePinPrompt())
            else -> null
        }
        val eligibility = if (step == ResidentStep.ChooseCategories) flow.eligibility() else null
        val categories = flow.chosenCategories()
        val review = flow.review()
        _state.update {
            it.copy(
                step = step,
                pin = pin,
                busy = false,
                tapPrompt = null,
                eligibility = eligibility,
                categories = categories,
                review = review,
                myKeyId = flow.myKeyId(),
                changingMyKeyId = flow.changingMyKeyId(),
                childBirthDate = flow.childBirthDate(),
            )
        }
    }

    /** Stops the running action. */
    fun cancel() {
        running?.cancel()
    }

    /** Tap 1: the card and its PIN counter (no PIN). */
    fun readCard() = act(TapPurpose.READ_CARD) { flow.readCard(taps.nextTap()) }

    /** After a lost VERIFY ([PinScreen.ReadFirst]): a tap reads the counter. */
    fun checkPinCounter() = act(TapPurpose.CHECK_PIN_COUNTER) {
        val check = flow.pinStatus(taps.nextTap())
        _state.update { it.copy(pinCheck = check) }
    }

    /**
     * Tap 2: the PIN typed first (on the keypad, into [pin]; the library
     * empties it), then one tap: card login.
     */
    fun logIn(pin: PinEntry, confirmLastTry: Boolean = false) = act(TapPurpose.LOG_IN) {
        flow.enterPin(pin)
        val outcome = flow.logIn(taps.nextTap(), confirmLastTry)
        _state.update { it.copy(login = outcome, application = outcome.application) }
    }

    fun nextCandidate() = act {
        val c = flow.nextCandidate()
        _state.update { it.copy(candidates = it.candidates + c) }
    }

    fun chooseCandidate(myKeyId: String) = act { flow.chooseCandidate(myKeyId) }

    fun checkOwnChoice(myKeyId: String) = act { flow.checkOwnChoice(myKeyId) }

    fun register(form: RegistrationForm) = act { flow.issueMyKeyId(form) }

    /** The categories to apply for; a fixed service goes straight to the review. */
    fun chooseCategories(categories: List<Category>) = act { flow.chooseCategories(categories) }

    fun search(keyword: String) = act {
        val found = flow.searchServices(keyword)
        _state.update { it.copy(services = found) }
    }

    fun chooseService(serviceId: String) = act {
        val service = flow.chooseService(serviceId)
        _state.update { it.copy(service = service) }
    }

    fun acceptTerms(termsVersion: String) = act { flow.acceptTerms(termsVersion) }

    // The review shown is the core's (`refresh` reads it after every action).
    fun enterPayment(form: PaymentForm) = act { flow.enterPayment(form) }

    fun confirmReview() = act { flow.confirmReview() }

    /** Tap 3: the PIN typed first, then one tap: the signature and the submission. */
    fun signAndSubmit(pin: PinEntry, confirmLastTry: Boolean = false) = act(TapPurpose.SIGN_APPLICATION) {
        flow.enterPin(pin)
        val app = flow.signAndSubmit(taps.nextTap(), confirmLastTry)
        _state.update { it.copy(application = app) }
    }

    /** Starts a My Key ID change (after login); the choice step comes next. */
    fun startMyKeyIdChange() = act {
        flow.startMyKeyIdChange()
        _state.update { it.copy(candidates = emptyList()) }
    }

    /** Leaves the change; nothing changed. */
    fun cancelMyKeyIdChange() = act { flow.cancelMyKeyIdChange() }

    /** Registers the chosen id in place of the old one. */
    fun changeMyKeyId() = act {
        flow.changeMyKeyId()
        _state.update { it.copy(candidates = emptyList()) }
    }

    /**
     * Revokes the My Key ID for good. [typedConfirmation] is what the person
     * typed into the confirmation field (their My Key ID again); the core
     * refuses anything else and sends nothing.
     */
    fun revokeMyKeyId(typedConfirmation: String) = act { flow.revokeMyKeyId(typedConfirmation) }

    /** A legal representative applies for the child whose card logged in. */
    fun applyForChild(birthDate: String) = act { flow.applyForChild(birthDate) }

    /** One tap of the representative's card (no PIN). */
    fun readRepresentativeCard() = act(TapPurpose.READ_REPRESENTATIVE_CARD) {
        val summary = flow.readRepresentativeCard(taps.nextTap())
        _state.update { it.copy(representative = summary) }
    }

    /** At RepresentativeSign: the representative's PIN typed first, then one tap of their card. */
    fun representativeSigns(pin: PinEntry, confirmLastTry: Boolean = false) = act(TapPurpose.REPRESENTATIVE_SIGNS) {
        try {
            val app = flow.representativeSigns(taps.nextTap(), pin, confirmLastTry)
            _state.update { it.copy(application = app) }
        } finally {
            pin.clear() // the tap never came (cancelled): nothing typed stays
        }
    }

    fun retrySubmission() = act {
        val app = flow.retrySubmission()
        _state.update { it.copy(application = app) }
    }

    /**
     * Ends the session: the running action (a tap being awaited, too) is
     * cancelled first, then the core wipes everything entered.
     */
    fun abort(): Job {
        val previous = running
        previous?.cancel()
        return scope.launch {
            previous?.join()
            flow.abort()
            _state.value = ResidentUiState(step = flow.step())
        }
    }
}
