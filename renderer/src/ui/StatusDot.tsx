import { Box } from '@mantine/core'

export type DotState = 'ok' | 'warn' | 'error' | 'idle'

const colours: Record<DotState, string> = {
  ok: 'var(--mantine-color-green-6)',
  warn: 'var(--mantine-color-yellow-6)',
  error: 'var(--mantine-color-red-6)',
  idle: 'var(--mantine-color-gray-5)',
}

export function StatusDot({ state, label }: { state: DotState; label: string }) {
  return (
    <Box
      component="span"
      role="img"
      aria-label={label}
      w={8}
      h={8}
      bg={colours[state]}
      style={{ borderRadius: '50%', display: 'inline-block', flex: 'none' }}
    />
  )
}
