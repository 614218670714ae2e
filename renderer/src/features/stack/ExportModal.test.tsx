import { describe, expect, it } from 'vitest'
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { StackExport } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { ExportModal } from './ExportModal'

const exportFor = ({ target }: { target: StackExport['target'] }): StackExport => ({
  target,
  files:
    target === 'compose'
      ? [{ path: 'compose.yaml', content: 'services: {}', secret: false }]
      : [
          { path: 'stack.yml', content: 'services:\n  broker-1: {}', secret: false },
          { path: 'create-secrets.sh', content: 'docker secret create x -', secret: true },
        ],
  howToRun:
    target === 'compose'
      ? ['docker compose -p maildock --env-file .env up -d']
      : ['sh create-secrets.sh', 'docker stack deploy -c stack.yml maildock'],
  compose: target === 'compose' ? 'services: {}' : 'services:\n  broker-1: {}',
  env: 'MAILDOCK_BROKER_PASSWORD=\n',
  variables: [],
  project: 'maildock',
  warnings: [],
})

describe('ExportModal', () => {
  it('exports for the chosen target and shows how to run it and each file', async () => {
    const fake = fakeBridge({ 'stack:export': (input) => exportFor(input as never) })
    renderWithClient(<ExportModal opened onClose={() => undefined} />, fake.bridge)
    expect(await screen.findByTestId('export-compose')).toHaveTextContent('services: {}')
    expect(screen.getByTestId('export-how-to-run')).toHaveTextContent('docker compose -p maildock')
    expect(screen.queryByLabelText(/Ingress ports/)).toBeNull()

    await userEvent.click(screen.getByText('Docker Swarm'))
    await waitFor(() =>
      expect(screen.getByTestId('export-how-to-run')).toHaveTextContent('docker stack deploy'),
    )
    expect(screen.getByTestId('export-file')).toHaveTextContent('broker-1')
    await userEvent.click(screen.getByLabelText(/Ingress ports and virtual IPs/))
    await waitFor(() =>
      expect(fake.bridge.call.mock.calls.filter(([c]) => c === 'stack:export')).toHaveLength(3),
    )
    const calls = fake.bridge.call.mock.calls.filter(([c]) => c === 'stack:export')
    expect(calls.map(([, input]) => input)).toEqual([
      { includeSecrets: false, target: 'compose', swarmPorts: 'host' },
      { includeSecrets: false, target: 'swarm', swarmPorts: 'host' },
      { includeSecrets: false, target: 'swarm', swarmPorts: 'ingress' },
    ])
  })
})
