import { Command } from 'cmdk'
import { Kbd, Modal, Text, useMantineColorScheme } from '@mantine/core'
import { useStackActions } from '../features/stack/use-stack'
import classes from './CommandPalette.module.css'
import { panels, type PanelId } from './panels'
import { panelShortcutLabel } from './shortcuts'

interface PaletteProps {
  opened: boolean
  onClose: () => void
  onPanel: (id: PanelId) => void
}

/** Ctrl/⌘+K: every panel and the frequent actions, filtered as you type. */
export function CommandPalette({ opened, onClose, onPanel }: PaletteProps) {
  const { setColorScheme } = useMantineColorScheme()
  const stack = useStackActions()
  const run = (action: () => void) => () => {
    onClose()
    action()
  }
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Go to a panel or run an action"
      size="lg"
      yOffset="12vh"
      padding="sm"
    >
      <Command label="Command palette" className={classes.palette} loop>
        <Command.Input
          className={classes.input}
          placeholder="Type a panel or an action…"
          autoFocus
        />
        <Command.List className={classes.list}>
          <Command.Empty className={classes.empty}>Nothing matches.</Command.Empty>
          <Command.Group heading="Panels" className={classes.group}>
            {panels.map((panel, index) => (
              <Command.Item
                key={panel.id}
                value={`Go to ${panel.label}`}
                onSelect={run(() => onPanel(panel.id))}
                className={classes.item}
              >
                <Text size="sm">Go to {panel.label}</Text>
                {panelShortcutLabel(index) && <Kbd size="xs">{panelShortcutLabel(index)}</Kbd>}
              </Command.Item>
            ))}
          </Command.Group>
          <Command.Group heading="Actions" className={classes.group}>
            <Command.Item
              value="Start the stack"
              className={classes.item}
              onSelect={run(() => {
                onPanel('stack')
                void stack.run({ kind: 'up' })
              })}
            >
              <Text size="sm">Start the stack</Text>
            </Command.Item>
            <Command.Item
              value="Compose an email"
              className={classes.item}
              onSelect={run(() => onPanel('send'))}
            >
              <Text size="sm">Compose an email</Text>
            </Command.Item>
            {(['light', 'dark', 'auto'] as const).map((scheme) => (
              <Command.Item
                key={scheme}
                value={scheme === 'auto' ? 'Follow the system theme' : `Use the ${scheme} theme`}
                className={classes.item}
                onSelect={run(() => setColorScheme(scheme))}
              >
                <Text size="sm">
                  {scheme === 'auto' ? 'Follow the system theme' : `Use the ${scheme} theme`}
                </Text>
              </Command.Item>
            ))}
          </Command.Group>
        </Command.List>
      </Command>
    </Modal>
  )
}
