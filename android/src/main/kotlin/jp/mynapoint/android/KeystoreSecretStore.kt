package jp.mynapoint.android

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.util.Base64
import java.security.KeyStore
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import jp.mynapoint.core.SecretStore
import jp.mynapoint.core.SecretStoreException

/**
 * Secrets wrapped with an AES-256-GCM key that never leaves the Android
 * Keystore; the wrapped bytes (IV + ciphertext) live in private
 * SharedPreferences, excluded from backups by the app's backup rules.
 */
class KeystoreSecretStore(context: Context) : SecretStore {
    private val prefs = context.getSharedPreferences("mynapoint.secrets", Context.MODE_PRIVATE)

    private fun key(): SecretKey {
        val ks = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (ks.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val gen = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
        gen.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build()
        )
        return gen.generateKey()
    }

    override fun get(name: String): ByteArray? = guard {
        val stored = prefs.getString(name, null) ?: return@guard null
        val bytes = Base64.decode(stored, Base64.NO_WRAP)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(128, bytes, 0, IV_LEN))
        cipher.updateAAD(name.toByteArray())
        cipher.doFinal(bytes, IV_LEN, bytes.size - IV_LEN)
    }

    override fun put(name: String, value: ByteArray) = guard {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, key())
        cipher.updateAAD(name.toByteArray())
        val wrapped = cipher.iv + cipher.doFinal(value)
        value.fill(0)
        check(prefs.edit().putString(name, Base64.encodeToString(wrapped, Base64.NO_WRAP)).commit())
    }

    private inline fun <T> guard(block: () -> T): T = try {
        block()
    } catch (e: KeyPermanentlyInvalidatedException) {
        throw SecretStoreException.Corrupted(e.toString())
    } catch (e: AEADBadTagException) {
        throw SecretStoreException.Corrupted(e.toString())
    } catch (e: SecretStoreException) {
        throw e
    } catch (t: Throwable) {
        throw SecretStoreException.Unavailable(t.toString())
    }

    private companion object {
        const val ALIAS = "mynapoint.secret-store"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_LEN = 12
    }
}
