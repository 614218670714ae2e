import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where MailDock keeps its settings, secrets and log database: MAILDOCK_DATA_DIR, else the folder
 * Electron's `app.getPath('userData')` names for the app, so the CLI, browser mode and the desktop
 * app share one.
 */
export function dataDirFrom(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const chosen = env.MAILDOCK_DATA_DIR?.trim()
  if (chosen) return chosen
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'MailDock')
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'MailDock')
  return join(env.XDG_CONFIG_HOME?.trim() || join(home, '.config'), 'MailDock')
}
