import CoreNFC
import Foundation
import MynapointCore

/// One tap of a My Number Card through Core NFC (ISO 14443, ISO 7816 tag),
/// under the core's `CardTransport` contract: the response data with SW1
/// SW2 appended, no retries, a lost tag reported as `TransportError.TagLost`.
final class CoreNFCTransport: CardTransport, @unchecked Sendable {
    private let tag: NFCISO7816Tag

    init(tag: NFCISO7816Tag) {
        self.tag = tag
    }

    /// Core NFC carries short APDUs; extended length only when the tag says so.
    func capabilities() -> ReaderCapabilities {
        if tag.isExtendedLengthAPDUSupported {
            return ReaderCapabilities(maxCommandLen: 65_544, maxResponseLen: 65_538, extendedLength: true)
        }
        return ReaderCapabilities(maxCommandLen: 261, maxResponseLen: 258, extendedLength: false)
    }

    func transceive(command: Data) async throws -> Data {
        guard let apdu = NFCISO7816APDU(data: command) else {
            throw TransportError.Io(reason: "Core NFC cannot encode this APDU")
        }
        do {
            let (data, sw1, sw2) = try await tag.sendCommand(apdu: apdu)
            var response = data
            response.append(sw1)
            response.append(sw2)
            return response
        } catch let error as NFCReaderError {
            switch error.code {
            case .readerTransceiveErrorTagConnectionLost,
                 .readerTransceiveErrorTagNotConnected,
                 .readerSessionInvalidationErrorUserCanceled,
                 .readerSessionInvalidationErrorSessionTimeout,
                 .readerSessionInvalidationErrorSessionTerminatedUnexpectedly:
                throw TransportError.TagLost
            default:
                throw TransportError.Io(reason: "NFCReaderError \(error.code.rawValue)")
            }
        } catch {
            throw TransportError.Io(reason: String(describing: error))
        }
    }
}

/// One reader session per tap: the PIN is asked BEFORE it starts (iOS ends a
/// reader session after about 60 seconds), then `tap` runs the core's step
/// while the card is held to the phone.
final class NFCTapSession: NSObject, NFCTagReaderSessionDelegate, @unchecked Sendable {
    private var continuation: CheckedContinuation<NFCISO7816Tag, Error>?
    private var session: NFCTagReaderSession?

    /// Starts a session, waits for a My Number Card, runs `step` on it, ends the session.
    func tap<T>(prompt: String, _ step: (CardTransport) async throws -> T) async throws -> T {
        // Cancelling the task while the sheet waits for a card ends the
        // reader session (the continuation then resumes with TagLost).
        let tag = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<NFCISO7816Tag, Error>) in
                continuation = c
                session = NFCTagReaderSession(pollingOption: .iso14443, delegate: self, queue: nil)
                session?.alertMessage = prompt
                session?.begin()
            }
        } onCancel: {
            self.session?.invalidate()
        }
        do {
            let result = try await step(CoreNFCTransport(tag: tag))
            session?.invalidate()
            return result
        } catch {
            session?.invalidate(errorMessage: String(describing: error))
            throw error
        }
    }

    func tagReaderSessionDidBecomeActive(_ session: NFCTagReaderSession) {}

    func tagReaderSession(_ session: NFCTagReaderSession, didInvalidateWithError error: Error) {
        continuation?.resume(throwing: TransportError.TagLost)
        continuation = nil
    }

    func tagReaderSession(_ session: NFCTagReaderSession, didDetect tags: [NFCTag]) {
        guard let first = tags.first, case let .iso7816(tag) = first else {
            session.restartPolling()
            return
        }
        session.connect(to: first) { [weak self] error in
            if let error = error {
                self?.continuation?.resume(throwing: TransportError.Io(reason: String(describing: error)))
            } else {
                self?.continuation?.resume(returning: tag)
            }
            self?.continuation = nil
        }
    }
}

/// Waits for one card in its own reader session and hands back its
/// transport; the session stays open while the core reads the card and is
/// ended when the transport is released.
final class NFCTagWaiter: NSObject, NFCTagReaderSessionDelegate, @unchecked Sendable {
    private var continuation: CheckedContinuation<CardTransport, Error>?
    private var session: NFCTagReaderSession?

    func waitForCard(prompt: String) async throws -> CardTransport {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<CardTransport, Error>) in
                continuation = c
                session = NFCTagReaderSession(pollingOption: .iso14443, delegate: self, queue: nil)
                session?.alertMessage = prompt
                session?.begin()
            }
        } onCancel: {
            self.session?.invalidate()
        }
    }

    func tagReaderSessionDidBecomeActive(_ session: NFCTagReaderSession) {}

    func tagReaderSession(_ session: NFCTagReaderSession, didInvalidateWithError error: Error) {
        continuation?.resume(throwing: TransportError.TagLost)
        continuation = nil
    }

    func tagReaderSession(_ session: NFCTagReaderSession, didDetect tags: [NFCTag]) {
        guard let first = tags.first, case let .iso7816(tag) = first else {
            session.restartPolling()
            return
        }
        session.connect(to: first) { [weak self] error in
            guard let self = self else { return }
            if let error = error {
                self.continuation?.resume(throwing: TransportError.Io(reason: String(describing: error)))
            } else {
                self.continuation?.resume(returning: SessionBoundTransport(tag: tag, session: session))
            }
            self.continuation = nil
        }
    }
}

/// A transport that ends its reader session when released (after the tap).
final class SessionBoundTransport: CardTransport, @unchecked Sendable {
    private let inner: CoreNFCTransport
    private let session: NFCTagReaderSession

    init(tag: NFCISO7816Tag, session: NFCTagReaderSession) {
        inner = CoreNFCTransport(tag: tag)
        self.session = session
    }

    deinit {
        session.invalidate()
    }

    func capabilities() -> ReaderCapabilities {
        inner.capabilities()
    }

    func transceive(command: Data) async throws -> Data {
        try await inner.transceive(command: command)
    }
}
