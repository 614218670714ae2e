import { useCallback, useEffect, useState } from 'react'
import { Button, Group, Menu, Modal, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconTemplate } from '@tabler/icons-react'
import type { MailTemplate, MaildockError } from '../../../../shared/contract'
import { useClient } from '../../transport/client'

interface TemplateMenuProps {
  current: { subject: string; text: string; html: string | null }
  onLoad: (template: MailTemplate) => void
}

/** Load a saved template into the form, or save the form as one. */
export function TemplateMenu({ current, onLoad }: TemplateMenuProps) {
  const client = useClient()
  const [templates, setTemplates] = useState<MailTemplate[] | undefined>()
  const [saving, setSaving] = useState(false)
  const [name, setName] = useState('')

  const refresh = useCallback(() => {
    client.call('mail:templates', {}).then(setTemplates, (error: MaildockError) =>
      notifications.show({
        color: 'red',
        title: 'Could not load templates',
        message: error.message,
      }),
    )
  }, [client])
  useEffect(refresh, [refresh])

  const save = () => {
    const existing = templates?.find((template) => template.name === name.trim())
    client
      .call('mail:template-save', {
        ...(existing === undefined ? {} : { id: existing.id }),
        name: name.trim(),
        subject: current.subject,
        text: current.text,
        ...(current.html === null ? {} : { html: current.html }),
      })
      .then(
        (saved) => {
          notifications.show({ color: 'green', title: 'Template saved', message: saved.name })
          setSaving(false)
          refresh()
        },
        (error: MaildockError) =>
          notifications.show({
            color: 'red',
            title: 'Could not save the template',
            message: error.message,
          }),
      )
  }

  return (
    <>
      <Menu position="bottom-end" withinPortal transitionProps={{ duration: 0 }}>
        <Menu.Target>
          <Button variant="default" size="xs" leftSection={<IconTemplate size={14} />}>
            Templates
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Load</Menu.Label>
          {templates === undefined ? (
            <Menu.Item disabled>Loading…</Menu.Item>
          ) : templates.length === 0 ? (
            <Menu.Item disabled>No saved templates yet</Menu.Item>
          ) : (
            templates.map((template) => (
              <Menu.Item key={template.id} onClick={() => onLoad(template)}>
                {template.name}
              </Menu.Item>
            ))
          )}
          <Menu.Divider />
          <Menu.Item onClick={() => setSaving(true)}>Save the form as a template…</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={saving} onClose={() => setSaving(false)} title="Save as template">
        <Group align="end">
          <TextInput
            label="Name"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            data-autofocus
            style={{ flex: 1 }}
          />
          <Button onClick={save} disabled={name.trim() === ''}>
            Save
          </Button>
        </Group>
      </Modal>
    </>
  )
}
