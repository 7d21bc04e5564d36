package jp.mynapoint.shell

import jp.mynapoint.domain.PinPrompt

/**
 * What the PIN screen shows, straight from the core's [PinPrompt] (the PIN
 * is asked BEFORE the tap that uses it: iOS ends an NFC session after a
 * fixed time, and Android keeps no card connection across a prompt).
 */
sealed interface PinScreen {
    /** Ask; show the tries left (a warning when fewer than the card's maximum). */
    data class Ask(val triesLeft: Int) : PinScreen

    /** One try left: ask only after the person explicitly agrees to spend it. */
    data object ConfirmLastTry : PinScreen

    /** Locked: no PIN field at all; the municipal counter resets it. */
    data object Locked : PinScreen

    /** Unknown (a VERIFY's answer was lost): a tap reads the counter first. */
    data object ReadFirst : PinScreen

    companion object {
        fun of(prompt: PinPrompt): PinScreen = when (prompt) {
            is PinPrompt.Ask -> Ask(prompt.triesLeft.toInt())
            PinPrompt.ConfirmLastTry -> ConfirmLastTry
            PinPrompt.Locked -> Locked
            PinPrompt.ReadFirst -> ReadFirst
        }
    }
}
