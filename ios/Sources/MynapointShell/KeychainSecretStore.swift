import Foundation
import MynapointCore
import Security

/// Secrets in the Keychain: this device only, readable after the first
/// unlock (the field app syncs in the background), never in backups.
final class KeychainSecretStore: SecretStore, @unchecked Sendable {
    private let service = "jp.mynapoint.secret-store"

    private func query(_ name: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
        ]
    }

    func get(name: String) throws -> Data? {
        var q = query(name)
        q[kSecReturnData as String] = true
        q[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(q as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            return item as? Data
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            throw SecretStoreError.Unavailable(reason: "the device has not been unlocked since it started")
        default:
            throw SecretStoreError.Unavailable(reason: "SecItemCopyMatching \(status)")
        }
    }

    func put(name: String, value: Data) throws {
        try delete(name: name)
        var q = query(name)
        q[kSecValueData as String] = value
        q[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(q as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw SecretStoreError.Unavailable(reason: "SecItemAdd \(status)")
        }
    }

    private func delete(name: String) throws {
        let status = SecItemDelete(query(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw SecretStoreError.Unavailable(reason: "SecItemDelete \(status)")
        }
    }
}
