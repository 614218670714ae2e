import { afterEach, describe, expect, it } from 'vitest'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { notifications } from '@mantine/notifications'
import type { StackSettingsView } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { settingsView } from './fixtures'
import { StackSettingsForm } from './StackSettingsForm'

function setup(view: StackSettingsView = settingsView()) {
  const saved: unknown[] = []
  const fake = fakeBridge({
    'stack:settings-get': () => view,
    'stack:settings-set': (input) => {
      saved.push(input)
      return view
    },
  })
  renderWithClient(<StackSettingsForm />, fake.bridge)
  return { ...fake, saved }
}

const field = (label: string | RegExp) => screen.getByLabelText(label)
const type = (label: string | RegExp, value: string) =>
  fireEvent.change(field(label), { target: { value } })
const save = () => screen.getByTestId('settings-save')

// Toasts live in a module-wide store: earlier tests' toasts would queue this test's behind them.
afterEach(() => {
  notifications.clean()
  notifications.cleanQueue()
})

describe('Stack settings form', { timeout: 20_000 }, () => {
  it('shows the values in force; env-set fields are locked and say by what', async () => {
    setup()
    await screen.findByTestId('stack-settings-form')
    expect(field(/^API/)).toHaveValue('5001')
    expect(field(/^Broker \(RabbitMQ/)).toHaveValue('rabbitmq:3-management')
    const node = field(/^Node base/)
    expect(node).toBeDisabled()
    expect(screen.getByText('set by MAILDOCK_NODE_IMAGE')).toBeInTheDocument()
    expect(save()).toBeDisabled()
  })

  it('rejects bad ports, duplicate ports, empty images and a relay without host', async () => {
    setup()
    await screen.findByTestId('stack-settings-form')
    type(/^API/, '70000')
    expect(await screen.findByText(/A port from 1 to 65535, or 0/)).toBeInTheDocument()
    expect(save()).toBeDisabled()
    expect(screen.getByTestId('settings-invalid')).toHaveTextContent('Fix the fields in red')

    type(/^API/, '8025')
    expect(screen.getByText('Also used by the Mail catcher UI')).toBeInTheDocument()
    expect(screen.getByText('Also used by the API')).toBeInTheDocument()
    type(/^API/, '5002')
    expect(screen.queryByText(/Also used by/)).not.toBeInTheDocument()

    type(/^Broker \(RabbitMQ/, '')
    expect(screen.getByText('An image is needed')).toBeInTheDocument()
    type(/^Broker \(RabbitMQ/, 'not an image!')
    expect(screen.getByText(/Not an image reference/)).toBeInTheDocument()
    type(/^Broker \(RabbitMQ/, 'rabbitmq:3-management')

    await userEvent.click(screen.getByText('A real SMTP relay'))
    expect(screen.getByText('A relay needs a host')).toBeInTheDocument()
    type('Relay host', 'smtp://mail.example.com')
    expect(screen.getByText('The host name only, without smtp://')).toBeInTheDocument()
    type('Relay host', 'mail.example.com')
    type('Relay port', '0')
    expect(screen.getByText('A port from 1 to 65535')).toBeInTheDocument()
    type('Relay port', '587')
    type('Password', 'hunter2')
    expect(screen.getByText('Set the user name too')).toBeInTheDocument()
    type('User', 'ann')
    expect(screen.queryByTestId('settings-invalid')).not.toBeInTheDocument()
    expect(save()).toBeEnabled()
    // Which services the next Start re-creates.
    expect(screen.getByTestId('settings-impact')).toHaveTextContent(
      'this change re-creates Mail catcher, API, Emailer',
    )
  })

  it('saves only what changed, the password as a secret, never showing the stored one', async () => {
    const { saved } = setup(
      settingsView({
        smtpPasswordSet: true,
        settings: {
          ...settingsView().settings,
          smtp: { host: 'mail.example.com', port: 587, user: 'ann', tls: 'starttls' },
        },
      }),
    )
    await screen.findByTestId('stack-settings-form')
    const password = field('Password')
    expect(password).toHaveValue('')
    expect(password).toHaveAttribute('placeholder', 'Stored: type to replace it')
    type('Emailer replicas', '3')
    expect(screen.getByTestId('settings-impact')).toHaveTextContent('re-creates Emailer.')
    type('Password', 's3cret')
    await userEvent.click(save())
    await waitFor(() =>
      expect(saved).toEqual([{ patch: { emailerReplicas: 3 }, smtpPassword: 's3cret' }]),
    )
    expect(await screen.findByText('Stack settings saved')).toBeInTheDocument()
  })

  it('saves the queue type, which re-creates the broker and every service using it', async () => {
    const { saved } = setup()
    await screen.findByTestId('stack-settings-form')
    const select = screen.getByTestId('settings-queue-type')
    await userEvent.click(select)
    const listbox = document.getElementById(
      select.getAttribute('aria-controls') ?? '',
    ) as HTMLElement
    await userEvent.click(within(listbox).getByRole('option', { name: /Quorum/, hidden: true }))
    expect(screen.getByTestId('settings-impact')).toHaveTextContent(
      /re-creates Broker, API, Emailer, Logger\./,
    )
    expect(
      screen.getByText(/emails queued now wait in the classic one until you switch back/),
    ).toBeInTheDocument()
    await userEvent.click(save())
    await waitFor(() => expect(saved).toEqual([{ patch: { queueType: 'quorum' } }]))
  })

  it('warns about ports in the ephemeral range without blocking the save', async () => {
    const { saved } = setup()
    await screen.findByTestId('stack-settings-form')
    type(/^Mail catcher UI/, '40000')
    expect(screen.getByText(/range the system hands out/)).toBeInTheDocument()
    expect(screen.getByTestId('settings-impact')).toHaveTextContent('re-creates Mail catcher.')
    await userEvent.click(save())
    await waitFor(() => expect(saved).toEqual([{ patch: { ports: { catcherUi: 40000 } } }]))
  })

  it('warns that insecure TLS sends the relay password in clear text', async () => {
    setup(
      settingsView({
        smtpPasswordSet: true,
        settings: {
          ...settingsView().settings,
          smtp: { host: 'mail.example.com', port: 587, user: 'ann', tls: 'insecure' },
        },
      }),
    )
    await screen.findByTestId('stack-settings-form')
    expect(
      screen.getByText(/the password of ann is sent to mail.example.com in clear text/),
    ).toBeInTheDocument()
  })
})
