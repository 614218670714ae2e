import { useEffect, useState } from 'react'
import { Button, Group, Menu, Modal, TextInput } from '@mantine/core'
import { IconTemplate } from '@tabler/icons-react'
import type { MailTemplate } from '../../../../shared/contract'
import { useAction, useCall } from '../../transport/hooks'
import { notifyDone, notifyError } from '../../ui/notify'

interface TemplateMenuProps {
  current: { subject: string; text: string; html: string | null }
  onLoad: (template: MailTemplate) => void
}

/** Load a saved template into the form, or save the form as one. */
export function TemplateMenu({ current, onLoad }: TemplateMenuProps) {
  const { data: templates, error, refresh } = useCall('mail:templates', {})
  const { call } = useAction()
  const [saving, setSaving] = useState(false)
  const [name, setName] = useState('')

  useEffect(() => {
    if (error) notifyError('Could not load templates', error)
  }, [error])

  const save = () => {
    const existing = templates?.find((template) => template.name === name.trim())
    call('mail:template-save', {
      ...(existing === undefined ? {} : { id: existing.id }),
      name: name.trim(),
      subject: current.subject,
      text: current.text,
      ...(current.html === null ? {} : { html: current.html }),
    }).then(
      (saved) => {
        notifyDone('Template saved', saved.name)
        setSaving(false)
        refresh()
      },
      (failure: unknown) => notifyError('Could not save the template', failure),
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
