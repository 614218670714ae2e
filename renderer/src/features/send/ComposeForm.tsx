import { useMemo, useState } from 'react'
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { getHotkeyHandler } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconSend } from '@tabler/icons-react'
import { MAX_EMAIL_BYTES, type MaildockError } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { EmailTimeline } from '../../ui/email-timeline/EmailTimeline'
import { AddressInput } from './AddressInput'
import { checkDraft, emptyDraft, formatKiB, type Draft, type DraftCheck } from './compose-model'
import { HtmlPreview } from './HtmlPreview'
import { ReportExportButton } from './SendReportView'
import { TemplateMenu } from './TemplateMenu'

/** Draft state, validation, and the send call with its notifications. */
function useCompose() {
  const { call } = useAction()
  const [draft, setDraft] = useState<Draft>(emptyDraft)
  const [attempted, setAttempted] = useState(false)
  const [sending, setSending] = useState(false)
  const [sendError, setSendError] = useState<MaildockError | undefined>()
  const [sentId, setSentId] = useState<string | undefined>()
  const check = useMemo(() => checkDraft(draft), [draft])
  const update = (patch: Partial<Draft>) => setDraft((prev) => ({ ...prev, ...patch }))

  const send = () => {
    setAttempted(true)
    if (check.email === undefined || sending) return
    setSending(true)
    setSendError(undefined)
    call('mail:send', { email: check.email })
      .then(
        ({ id }) => {
          setSentId(id)
          setAttempted(false)
          setDraft(emptyDraft)
          notifications.show({
            color: 'green',
            title: 'Accepted by the API',
            message: `Email ${id} is on its way`,
          })
        },
        (error: MaildockError) => {
          setSendError(error)
          notifications.show({ color: 'red', title: 'Not sent', message: error.message })
        },
      )
      .finally(() => setSending(false))
  }

  return { draft, update, check, attempted, sending, sendError, sentId, send }
}

/** Compose one email, send it through the stack's API, and follow it to delivery. */
export function ComposeForm() {
  const { draft, update, check, attempted, sending, sendError, sentId, send } = useCompose()
  const [showCopies, setShowCopies] = useState(false)

  // Bad chips and bad subjects show at once; a missing recipient only once Send was pressed.
  const toError = draft.to.length === 0 && !attempted ? undefined : check.errors.to

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Card withBorder padding="md" onKeyDown={getHotkeyHandler([['mod+Enter', send]])}>
        <Stack gap="sm">
          <ComposeHeader
            draft={draft}
            update={update}
            showCopies={showCopies}
            onToggleCopies={() => setShowCopies((v) => !v)}
          />
          <AddressInput
            label="To"
            value={draft.to}
            onChange={(to) => update({ to })}
            error={toError}
            required
            autoFocus
          />
          {(showCopies || draft.cc.length > 0 || draft.bcc.length > 0) && (
            <CopyInputs draft={draft} update={update} check={check} />
          )}
          <BodyInputs draft={draft} update={update} check={check} />
          {check.variables.length > 0 && (
            <VariablesCard draft={draft} update={update} check={check} />
          )}
          {sendError !== undefined && (
            <Alert color="red" title="Not sent" role="alert" data-testid="send-error">
              {sendError.message}
            </Alert>
          )}
          <Group justify="space-between">
            <Text size="xs" c={check.bytes > MAX_EMAIL_BYTES ? 'red' : 'dimmed'} ff="monospace">
              {formatKiB(check.bytes)} of {formatKiB(MAX_EMAIL_BYTES)}
            </Text>
            <Button
              leftSection={<IconSend size={16} />}
              onClick={send}
              loading={sending}
              disabled={attempted && check.email === undefined}
              data-testid="compose-send"
            >
              Send
            </Button>
          </Group>
        </Stack>
      </Card>
      <DeliveryCard sentId={sentId} />
    </SimpleGrid>
  )
}

interface DraftProps {
  draft: Draft
  update: (patch: Partial<Draft>) => void
  check: DraftCheck
}

function ComposeHeader({
  draft,
  update,
  showCopies,
  onToggleCopies,
}: Omit<DraftProps, 'check'> & { showCopies: boolean; onToggleCopies: () => void }) {
  return (
    <Group justify="space-between">
      <Title order={4}>New email</Title>
      <Group gap="xs">
        <Button variant="subtle" size="xs" onClick={onToggleCopies}>
          {showCopies ? 'Hide Cc/Bcc' : 'Cc/Bcc'}
        </Button>
        <TemplateMenu
          current={draft}
          onLoad={(template) =>
            update({
              subject: template.subject,
              text: template.text,
              html: template.html ?? null,
            })
          }
        />
      </Group>
    </Group>
  )
}

function CopyInputs({ draft, update, check }: DraftProps) {
  return (
    <>
      <AddressInput
        label="Cc"
        value={draft.cc}
        onChange={(cc) => update({ cc })}
        error={check.errors.cc}
      />
      <AddressInput
        label="Bcc"
        value={draft.bcc}
        onChange={(bcc) => update({ bcc })}
        error={check.errors.bcc}
      />
    </>
  )
}

/** Subject, text body, and the optional HTML part with its preview. */
function BodyInputs({ draft, update, check }: DraftProps) {
  return (
    <>
      <TextInput
        label="Subject"
        value={draft.subject}
        onChange={(event) => update({ subject: event.currentTarget.value })}
        error={check.errors.subject}
        data-testid="compose-subject"
      />
      <Textarea
        label="Text"
        description="Plain-text body. {{name}} marks a variable."
        value={draft.text}
        onChange={(event) => update({ text: event.currentTarget.value })}
        autosize
        minRows={6}
        maxRows={18}
        error={check.errors.text}
        data-testid="compose-text"
      />
      <Switch
        label="Add an HTML part"
        checked={draft.html !== null}
        onChange={(event) => update({ html: event.currentTarget.checked ? '' : null })}
      />
      {draft.html !== null && (
        <Tabs defaultValue="source" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="source">HTML source</Tabs.Tab>
            <Tabs.Tab value="preview">Preview</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="source" pt="xs">
            <Textarea
              aria-label="HTML"
              value={draft.html}
              onChange={(event) => update({ html: event.currentTarget.value })}
              autosize
              minRows={5}
              maxRows={16}
              ff="monospace"
              data-testid="compose-html"
            />
          </Tabs.Panel>
          <Tabs.Panel value="preview" pt="xs">
            <HtmlPreview html={check.email?.html ?? draft.html} />
          </Tabs.Panel>
        </Tabs>
      )}
    </>
  )
}

function VariablesCard({ draft, update, check }: DraftProps) {
  return (
    <Card withBorder padding="sm" bg="var(--mantine-color-default-hover)">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          Variables
        </Text>
        <SimpleGrid cols={2} spacing="xs">
          {check.variables.map((name) => (
            <TextInput
              key={name}
              size="xs"
              label={`{{${name}}}`}
              value={draft.variables[name] ?? ''}
              onChange={(event) =>
                update({
                  variables: { ...draft.variables, [name]: event.currentTarget.value },
                })
              }
            />
          ))}
        </SimpleGrid>
        {check.errors.variables !== undefined && (
          <Text size="xs" c="red" data-testid="variables-error">
            {check.errors.variables}
          </Text>
        )}
      </Stack>
    </Card>
  )
}

function DeliveryCard({ sentId }: { sentId: string | undefined }) {
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={4}>Delivery</Title>
        {sentId === undefined ? (
          <Text size="sm" c="dimmed">
            After you send, the email&apos;s way through the broker and the emailer shows here,
            live.
          </Text>
        ) : (
          <>
            <Text size="sm">
              Last sent: <Code data-testid="sent-id">{sentId}</Code>{' '}
              <Text span size="xs" c="dimmed">
                (all emails in the <a href={`#/emails`}>Emails</a> panel)
              </Text>
            </Text>
            <EmailTimeline emailId={sentId} />
            <Group>
              <ReportExportButton
                name={sentId}
                label="Export delivery report (CSV)"
                testId="single-report-export"
              />
            </Group>
          </>
        )}
      </Stack>
    </Card>
  )
}
