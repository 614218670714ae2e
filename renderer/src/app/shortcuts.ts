import { useEffect } from 'react'

const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform)

/** The modifier as the user's platform writes it. */
export const modLabel = (): string => (isMac() ? '⌘' : 'Ctrl+')

/**
 * Panel n (from 0) is mod+digit for the first ten (1…9, then 0) and mod+shift+digit for the next
 * ten. Keys are matched by `event.code`, so the shortcuts work on every keyboard layout.
 */
export function panelShortcut(index: number): { code: string; shift: boolean } | null {
  if (index < 0 || index >= 20) return null
  const digit = (index % 10) + 1
  return { code: `Digit${digit % 10}`, shift: index >= 10 }
}

export function panelShortcutLabel(index: number): string | null {
  const shortcut = panelShortcut(index)
  if (shortcut === null) return null
  const mod = modLabel()
  const shift = shortcut.shift ? (isMac() ? '⇧' : 'Shift+') : ''
  return `${mod}${shift}${shortcut.code.replace('Digit', '')}`
}

/** The ARIA form of a panel's shortcut (aria-keyshortcuts). */
export function panelShortcutAria(index: number): string | undefined {
  const shortcut = panelShortcut(index)
  if (shortcut === null) return undefined
  const mod = isMac() ? 'Meta' : 'Control'
  return `${mod}+${shortcut.shift ? 'Shift+' : ''}${shortcut.code.replace('Digit', '')}`
}

export function panelIndexForKey(event: KeyboardEvent): number | null {
  const mod = isMac() ? event.metaKey : event.ctrlKey
  if (!mod || event.altKey) return null
  const match = /^Digit(\d)$/.exec(event.code)
  if (!match?.[1]) return null
  const digit = Number(match[1])
  return (digit === 0 ? 9 : digit - 1) + (event.shiftKey ? 10 : 0)
}

export const isPaletteKey = (event: KeyboardEvent): boolean =>
  (isMac() ? event.metaKey : event.ctrlKey) && !event.shiftKey && event.code === 'KeyK'

/**
 * The app's global shortcuts, heard in the capture phase so they work while a text field has
 * focus (Mantine's useHotkeys ignores inputs).
 */
export function useGlobalShortcuts(onPanel: (index: number) => void, onPalette: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isPaletteKey(event)) {
        event.preventDefault()
        onPalette()
        return
      }
      const index = panelIndexForKey(event)
      if (index === null) return
      event.preventDefault()
      onPanel(index)
    }
    window.addEventListener('keydown', onKey, { capture: true })
    return () => window.removeEventListener('keydown', onKey, { capture: true })
  }, [onPanel, onPalette])
}
