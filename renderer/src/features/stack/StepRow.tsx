import { memo, useState } from 'react'
import { ActionIcon, Box, Collapse, Group, Loader, Progress, Text, Tooltip } from '@mantine/core'
import {
  IconChevronDown,
  IconChevronRight,
  IconCircleCheck,
  IconCircleDashed,
  IconCircleMinus,
  IconCircleX,
} from '@tabler/icons-react'
import type { StackStep } from '../../../../shared/contract'
import { formatBytes, formatDuration } from '../../ui/format'
import type { ViewLine } from '../../ui/log-window'
import { LogView } from '../../ui/LogView'
import { stepElapsed } from './stack-model'

export const asViewLines = (logs: readonly string[]): ViewLine[] =>
  logs.map((text, seq) => ({ seq, kind: 'line', text }))

function StepIcon({ state }: { state: StackStep['state'] }) {
  switch (state) {
    case 'running':
      return <Loader size={16} role="img" aria-label="running" />
    case 'done':
      return <IconCircleCheck size={18} color="var(--mantine-color-green-6)" aria-label="done" />
    case 'failed':
      return <IconCircleX size={18} color="var(--mantine-color-red-6)" aria-label="failed" />
    case 'skipped':
      return <IconCircleMinus size={18} color="var(--mantine-color-gray-5)" aria-label="skipped" />
    case 'pending':
      return <IconCircleDashed size={18} color="var(--mantine-color-gray-5)" aria-label="pending" />
  }
}

function StepProgress({ progress }: { progress: NonNullable<StackStep['progress']> }) {
  const { current, total, unit } = progress
  const value = total > 0 ? Math.min(100, (current / total) * 100) : 0
  const label =
    unit === 'bytes'
      ? `${formatBytes(current)} / ${formatBytes(total)}`
      : `step ${current} / ${total}`
  return (
    <Group gap={6} wrap="nowrap" w={210} data-testid="step-progress">
      <Progress value={value} size="sm" w={90} aria-label={label} />
      <Text size="xs" c="dimmed" ff="monospace" span>
        {label}
      </Text>
    </Group>
  )
}

/** The step's kind, title and latest line. */
function StepTexts({ step }: { step: StackStep }) {
  return (
    <>
      <Text size="xs" c="dimmed" tt="uppercase" w={56} style={{ flex: 'none' }} span>
        {step.kind}
      </Text>
      <Text
        size="sm"
        fw={step.state === 'running' ? 600 : 400}
        c={step.state === 'skipped' || step.state === 'pending' ? 'dimmed' : undefined}
        style={{ flex: 'none', maxWidth: '45%' }}
        truncate
        title={step.title}
        data-testid="step-title"
      >
        {step.title}
      </Text>
      <Text
        size="xs"
        c={step.state === 'failed' ? 'red' : 'dimmed'}
        ff="monospace"
        truncate
        style={{ flex: 1, minWidth: 0 }}
        title={step.detail ?? undefined}
        data-testid="step-detail"
      >
        {step.detail ?? ''}
      </Text>
    </>
  )
}

function StepOutputToggle({
  step,
  open,
  onToggle,
}: {
  step: StackStep
  open: boolean
  onToggle: () => void
}) {
  return (
    <Tooltip label={open ? 'Hide output' : `Show output (${step.logs.length} lines)`}>
      <ActionIcon
        size="sm"
        variant="subtle"
        color="gray"
        aria-label={`${open ? 'Hide' : 'Show'} output of ${step.title}`}
        aria-expanded={open}
        onClick={onToggle}
      >
        {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
      </ActionIcon>
    </Tooltip>
  )
}

export const StepRow = memo(function StepRow({ step, now }: { step: StackStep; now: number }) {
  const [open, setOpen] = useState(false)
  const elapsed = stepElapsed(step, now)
  const hasLogs = step.logs.length > 0
  return (
    <Box
      role="listitem"
      aria-label={step.title}
      data-testid="stack-step"
      data-state={step.state}
      data-kind={step.kind}
      py={5}
      px={4}
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <Group gap="sm" wrap="nowrap">
        <Box w={20} style={{ display: 'flex', justifyContent: 'center', flex: 'none' }}>
          <StepIcon state={step.state} />
        </Box>
        <StepTexts step={step} />
        {step.progress && step.state === 'running' && <StepProgress progress={step.progress} />}
        {hasLogs && (
          <StepOutputToggle step={step} open={open} onToggle={() => setOpen((o) => !o)} />
        )}
        <Text
          size="xs"
          ff="monospace"
          c="dimmed"
          w={80}
          ta="right"
          style={{ flex: 'none' }}
          data-testid="step-elapsed"
        >
          {elapsed === null ? '' : formatDuration(elapsed)}
        </Text>
      </Group>
      {hasLogs && (
        <Collapse expanded={open}>
          <Box pt={6} pl={32}>
            <LogView
              label={`Output of ${step.title}`}
              lines={asViewLines(step.logs)}
              follow
              showTime={false}
              height={180}
            />
          </Box>
        </Collapse>
      )}
    </Box>
  )
})
