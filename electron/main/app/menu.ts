import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron'

export interface MenuOptions {
  isDev: boolean
  /** Present when updates are on (a packaged app): the "Check for updates…" item. */
  checkForUpdates?: () => void
}

/** macOS's app menu, with "Check for updates…" under About when updates are on. */
function appMenu(checkForUpdates: (() => void) | undefined): MenuItemConstructorOptions {
  if (!checkForUpdates) return { role: 'appMenu' }
  return {
    label: app.name,
    submenu: [
      { role: 'about' },
      { label: 'Check for updates…', click: checkForUpdates },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  }
}

export function installMenu({ isDev, checkForUpdates }: MenuOptions): void {
  const isMac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [appMenu(checkForUpdates)] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(isDev ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Docker documentation',
          click: () => void shell.openExternal('https://docs.docker.com/'),
        },
        ...(checkForUpdates && !isMac
          ? [{ label: 'Check for updates…', click: checkForUpdates }]
          : []),
        { label: `MailDock ${app.getVersion()}`, enabled: false },
      ],
    },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
