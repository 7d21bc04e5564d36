import Foundation
import MynapointCore
import MynapointDomain
import SwiftUI

/// Continuous reading's taps on iOS: one reader session per participant
/// (Core NFC shows its sheet for each), the core's step run inside it.
final class NFCTapSource: TapSource, @unchecked Sendable {
    private let prompt: String

    init(prompt: String) {
        self.prompt = prompt
    }

    func nextTap() async throws -> CardTap {
        CardTap(transport: try await NFCTagWaiter().waitForCard(prompt: prompt))
    }
}

/// Reports each tap's verdict to the view model on the main actor.
final class VerdictRelay: VerdictListener, @unchecked Sendable {
    private let onVerdict: @Sendable (TapVerdict) -> Void

    init(_ onVerdict: @escaping @Sendable (TapVerdict) -> Void) {
        self.onVerdict = onVerdict
    }

    func onVerdict(verdict: TapVerdict) {
        onVerdict(verdict)
    }
}

/// The field flow's view model: login, sync, project and points, continuous
/// reading with the verdict of the last tap only, upload, results. No rules
/// here; every verdict and failure comes from the core.
@MainActor
public final class FieldViewModel: ObservableObject {
    @Published public private(set) var step: FieldStep = .idle
    @Published public private(set) var login: TerminalLogin?
    @Published public private(set) var project: GrantProject?
    /// The verdict of the LAST tap only: nothing of an earlier participant stays.
    @Published public private(set) var verdict: TapVerdict?
    @Published public private(set) var reading = false
    @Published public private(set) var pending: UInt64 = 0
    @Published public private(set) var upload: UploadSummary?
    @Published public private(set) var results: [TapRecord] = []
    /// Participants tapped but not on the roster, to resolve.
    @Published public private(set) var notOnRoster: [NotOnRosterEntry] = []
    /// The card face just read with 照合番号B, for an add-registration.
    @Published public private(set) var face: ParticipantFace?
    @Published public private(set) var failure: FailureView?

    private let flow: FieldFlow
    private let japanese: Bool
    private var readingTask: Task<Void, Never>?

    public init(platformURL: String, stateDir: String, japanese: Bool) throws {
        try MynapointCore.`init`(logSink: nil)
        flow = try FieldFlow.open(platformUrl: platformURL, stateDir: stateDir, secrets: KeychainSecretStore())
        self.japanese = japanese
    }

    /// The reader sheet's message for `purpose`, from the core (same words on every shell).
    private func prompt(_ purpose: TapPurpose) -> String {
        let p = tapPrompt(purpose: purpose)
        return japanese ? p.ja : p.en
    }

    private func act(_ body: @escaping () async throws -> Void) async {
        failure = nil
        do {
            try await body()
        } catch {
            failure = FailureView.of(error, japanese: japanese)
        }
        step = (try? await flow.step()) ?? step
        pending = (try? await flow.pendingTaps()) ?? pending
    }

    public func logIn(terminalId: String, password: String) async {
        await act { [flow] in self.login = try await flow.login(terminalId: terminalId, password: password) }
    }

    public func syncAndChoose(projectId: String) async {
        await act { [flow] in
            _ = try await flow.syncRoster(projectId: projectId)
            self.project = try await flow.chooseProject(projectId: projectId)
        }
    }

    public func confirmPoints(_ points: UInt32) async {
        await act { [flow] in try await flow.confirmPoints(points: points) }
    }

    /// Starts continuous reading; each participant's tap shows its own verdict.
    public func startReading() {
        readingTask?.cancel()
        reading = true
        verdict = nil
        let relay = VerdictRelay { v in Task { @MainActor in self.verdict = v } }
        readingTask = Task {
            await act { [flow] in
                _ = try await flow.readContinuously(taps: NFCTapSource(prompt: self.prompt(.participant)), listener: relay)
            }
            reading = false
        }
    }

    /// Cancels continuous reading (the core drops a card being read).
    public func stopReading() async {
        readingTask?.cancel()
        // A Swift task's cancellation does not reach the library's call.
        flow.cancel()
        await act { [flow] in try await flow.stop() }
        verdict = nil
    }

    public func uploadTaps() async {
        await act { [flow] in self.upload = try await flow.upload() }
    }

    /// The taps stored on this device (all projects when `projectId` is nil).
    public func loadResults(projectId: String?) async {
        await act { [flow] in self.results = try await flow.results(projectId: projectId) }
    }

    public func loadNotOnRoster(projectId: String) async {
        await act { [flow] in self.notOnRoster = try await flow.notOnRoster(projectId: projectId) }
    }

    /// 照合番号B typed first (on the keypad, into `codeB`), then one reader
    /// session: the participant's card face.
    public func readCardFace(codeB: PinEntry) async {
        await act { [flow] in
            self.face = try await NFCTapSession().tap(prompt: self.prompt(.cardFace)) {
                try await flow.readCardFace(transport: $0, entry: codeB)
            }
        }
    }

    /// Adds the not-on-roster participant with the card face just read;
    /// their waiting taps are granted.
    public func addFromCardFace(projectId: String, myKeyId: String, municipalityCode: String) async {
        guard let face else { return }
        await act { [flow] in
            _ = try await flow.addRegistrationFromCardFace(
                projectId: projectId, myKeyId: myKeyId, municipalityCode: municipalityCode, face: face)
            self.face = nil
        }
    }

    /// Adds the not-on-roster participant with their row of the participant master.
    public func addFromMaster(projectId: String, myKeyId: String) async {
        await act { [flow] in
            _ = try await flow.addRegistrationFromMaster(projectId: projectId, myKeyId: myKeyId)
        }
    }
}
