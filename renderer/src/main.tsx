import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import { App } from './app/App'
import { EngineStatusProvider } from './transport/engine-status'
import { ClientProvider, connectClient } from './transport/client'
import { cssVariablesResolver, theme } from './ui/theme'

const client = connectClient()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      defaultColorScheme="auto"
    >
      <Notifications position="bottom-right" />
      <ClientProvider client={client}>
        <EngineStatusProvider>
          <App />
        </EngineStatusProvider>
      </ClientProvider>
    </MantineProvider>
  </StrictMode>,
)
