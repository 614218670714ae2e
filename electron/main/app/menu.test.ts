import { afterEach, describe, expect, it, vi } from 'vitest'

interface Item {
  label?: string
  role?: string
  click?: () => void
  submenu?: Item[]
}
let installed: Item[] = []

vi.mock('electron', () => ({
  app: { name: 'MailDock', getVersion: () => '0.1.0' },
  shell: { openExternal: vi.fn() },
  Menu: {
    buildFromTemplate: (template: Item[]) => template,
    setApplicationMenu: (menu: Item[]) => (installed = menu),
  },
}))

const { installMenu } = await import('./menu')

function labelled(items: Item[], label: string): Item[] {
  return items.flatMap((item) => [
    ...(item.label === label ? [item] : []),
    ...labelled(item.submenu ?? [], label),
  ])
}

describe.each(['darwin', 'linux', 'win32'])('application menu on %s', (platform) => {
  const real = process.platform
  afterEach(() => Object.defineProperty(process, 'platform', { value: real }))

  it('has "Check for updates…" only when updates are on, and it checks', () => {
    Object.defineProperty(process, 'platform', { value: platform })
    installMenu({ isDev: false })
    expect(labelled(installed, 'Check for updates…')).toEqual([])

    const checkForUpdates = vi.fn()
    installMenu({ isDev: false, checkForUpdates })
    const items = labelled(installed, 'Check for updates…')
    expect(items).toHaveLength(1)
    items[0]!.click!()
    expect(checkForUpdates).toHaveBeenCalledOnce()
  })
})
