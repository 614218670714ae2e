import { useEffect, useMemo, useState } from 'react'
import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  Stack,
  Text,
} from '@mantine/core'
import { IconCircleCheck, IconCircleX, IconRefresh, IconX } from '@tabler/icons-react'
import type { StackOperation, StackStep } from '../../../../shared/contract'
import { formatDuration } from '../../ui/format'
import { LogView } from '../../ui/LogView'
import {
  failedStep,
  failureLogs,
  isFinished,
  operationElapsed,
  operationTitle,
} from './stack-model'
import { asViewLines, StepRow } from './StepRow'

/** The current time, ticking only while something runs (elapsed counters). */
function useTicker(active: boolean, intervalMs = 500): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [active, intervalMs])
  return now
}

const IMAGE_PHASE_SHARE = 0.3
const IMAGE_STEP_KINDS = new Set<StackStep['kind']>(['lock', 'settings', 'bundle', 'build', 'pull'])

function planStillComing(operation: StackOperation): boolean {
  if (operation.kind !== 'up' && operation.kind !== 'scale') return false
  return operation.steps.every((step) => IMAGE_STEP_KINDS.has(step.kind))
}

function countLine(operation: StackOperation, finished: number, planPending: boolean): string {
  const total = operation.steps.length
  const steps = planPending
    ? `Preparing images · ${finished} of ${total} steps so far`
    : total === 0 && operation.state !== 'running'
      ? ''
      : `${finished} of ${total} ${total === 1 ? 'step' : 'steps'}`
  return [steps, operation.summary].filter(Boolean).join(' · ')
}

function FailureAlert({
  operation,
  onRetry,
  retryLabel,
  retrying,
}: {
  operation: StackOperation
  onRetry: (() => void) | null
  retryLabel: string
  retrying: boolean
}) {
  const failed = failedStep(operation)
  const logs = useMemo(() => asViewLines(failureLogs(operation)), [operation])
  return (
    <Alert
      color="red"
      title={failed ? `Failed: ${failed.title}` : 'Failed before any step ran'}
      role="alert"
      p="sm"
    >
      <Stack gap="xs" data-testid="stack-failure">
        <Text size="sm" data-testid="stack-failure-message" style={{ whiteSpace: 'pre-wrap' }}>
          {operation.error?.message ?? 'The operation failed.'}
        </Text>
        {logs.length > 0 && (
          <LogView
            label="Logs of the failing step"
            lines={logs}
            follow
            showTime={false}
            height={Math.min(260, 24 + logs.length * 18)}
          />
        )}
        {onRetry && (
          <Group>
            <Button
              size="xs"
              color="red"
              variant="light"
              leftSection={<IconRefresh size={14} />}
              onClick={onRetry}
              loading={retrying}
            >
              {retryLabel}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  )
}

/** The operation's state, title, step count, elapsed time, and the fold and dismiss buttons. */
function ProgressHeader({
  operation,
  now,
  count,
  showSteps,
  onShowSteps,
  onHide,
}: {
  operation: StackOperation
  now: number
  count: string
  showSteps: boolean
  onShowSteps: (show: boolean) => void
  onHide: (() => void) | undefined
}) {
  const running = operation.state === 'running'
  const total = operation.steps.length
  return (
    <Group justify="space-between" wrap="nowrap">
      <Group gap="xs" wrap="nowrap">
        {running ? (
          <Loader size="sm" />
        ) : operation.state === 'failed' ? (
          <IconCircleX size={22} color="var(--mantine-color-red-6)" />
        ) : (
          <IconCircleCheck size={22} color="var(--mantine-color-green-6)" />
        )}
        <Text fw={600} data-testid="progress-title">
          {operationTitle(operation)}
        </Text>
        <Text size="sm" c="dimmed" data-testid="progress-count">
          {count}
        </Text>
      </Group>
      <Group gap="xs" wrap="nowrap">
        {!running && total > 0 && (
          <Button
            size="compact-xs"
            variant="subtle"
            color="gray"
            onClick={() => onShowSteps(!showSteps)}
            aria-expanded={showSteps}
          >
            {showSteps ? 'Hide steps' : `Show ${total} ${total === 1 ? 'step' : 'steps'}`}
          </Button>
        )}
        <Text ff="monospace" size="sm" data-testid="progress-elapsed">
          {formatDuration(operationElapsed(operation, now))}
        </Text>
        {onHide && !running && (
          <ActionIcon variant="subtle" color="gray" aria-label="Dismiss" onClick={onHide}>
            <IconX size={16} />
          </ActionIcon>
        )}
      </Group>
    </Group>
  )
}

/**
 * An operation step by step: what it builds, creates, starts and waits for, with each step's
 * state, latest line, progress and elapsed time; on failure the failing step's logs and Retry.
 */
export function ProgressView({
  operation,
  onRetry,
  retryLabel = 'Retry',
  retrying = false,
  onHide,
}: {
  operation: StackOperation
  onRetry: (() => void) | null
  retryLabel?: string
  retrying?: boolean
  onHide?: () => void
}) {
  const running = operation.state === 'running'
  const now = useTicker(running)
  // A finished run folds its steps away (one line says how it went); running and failed show them.
  const [expanded, setExpanded] = useState<boolean | null>(null)
  const showSteps = expanded ?? operation.state !== 'succeeded'
  const total = operation.steps.length
  const finished = operation.steps.filter(isFinished).length
  const color = running ? 'blue' : operation.state === 'failed' ? 'red' : 'green'
  // `up` and `scale` plan their containers only once the images are ready: until then the steps
  // known are the image steps, and the bar fills only the first part.
  const planPending = running && planStillComing(operation)
  const share = planPending ? IMAGE_PHASE_SHARE : 1
  const value = running ? (total === 0 ? 0 : (finished / total) * 100 * share) : 100
  return (
    <Paper withBorder p="sm" data-testid="stack-progress" data-state={operation.state}>
      <Stack gap="xs">
        <ProgressHeader
          operation={operation}
          now={now}
          count={countLine(operation, finished, planPending)}
          showSteps={showSteps}
          onShowSteps={setExpanded}
          onHide={onHide}
        />
        <Progress
          value={value}
          color={color}
          size="sm"
          animated={running}
          striped={running}
          aria-label="Overall progress"
        />
        {operation.state === 'failed' && (
          <FailureAlert
            operation={operation}
            onRetry={onRetry}
            retryLabel={retryLabel}
            retrying={retrying}
          />
        )}
        {showSteps && (
          <Box role="list" aria-label="Steps" data-testid="stack-steps">
            {operation.steps.map((step) => (
              // Only running steps need the ticking clock; the others keep their props and skip renders.
              <StepRow key={step.id} step={step} now={step.state === 'running' ? now : 0} />
            ))}
            {total === 0 && running && (
              <Text size="sm" c="dimmed" py="xs">
                Reading the settings and what already exists…
              </Text>
            )}
          </Box>
        )}
      </Stack>
    </Paper>
  )
}
