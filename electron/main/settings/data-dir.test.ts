import { describe, expect, it } from 'vitest'
import { dataDirFrom } from './data-dir'

describe('data dir', () => {
  it('is MAILDOCK_DATA_DIR when set', () => {
    expect(dataDirFrom({ MAILDOCK_DATA_DIR: '/data/md' }, 'linux', '/home/ann')).toBe('/data/md')
  })

  it("is Electron's userData folder for the app otherwise", () => {
    expect(dataDirFrom({}, 'linux', '/home/ann')).toBe('/home/ann/.config/MailDock')
    expect(dataDirFrom({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe('/xdg/MailDock')
    expect(dataDirFrom({}, 'darwin', '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/MailDock',
    )
    expect(dataDirFrom({ APPDATA: 'C:/Users/ann/AppData/Roaming' }, 'win32', 'C:/Users/ann')).toBe(
      'C:/Users/ann/AppData/Roaming/MailDock',
    )
  })
  it('takes the data dir from MAILDOCK_DATA_DIR, else the app folder', () => {
    expect(dataDirFrom({ MAILDOCK_DATA_DIR: '/data/md' })).toBe('/data/md')
    expect(dataDirFrom({}, 'linux', '/home/ann')).toBe('/home/ann/.config/MailDock')
  })
})
