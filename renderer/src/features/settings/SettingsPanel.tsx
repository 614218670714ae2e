import type { ComponentType } from 'react'
import { Anchor, Card, Grid, Stack, Text, Title } from '@mantine/core'
import { EngineEndpointSection } from './EngineEndpointSection'
import { StackSettingsSection } from './StackSettingsSection'

export interface SettingsSection {
  id: string
  title: string
  description: string
  Component: ComponentType
}

/** Each domain adds its section here (the stack settings will follow the engine's). */
export const settingsSections: SettingsSection[] = [
  {
    id: 'engine',
    title: 'Docker engine',
    description: 'Where MailDock finds the Docker engine.',
    Component: EngineEndpointSection,
  },
  {
    id: 'stack',
    title: 'Stack',
    description: 'Images, published ports, mail delivery and replicas of the one-click stack.',
    Component: StackSettingsSection,
  },
]

export function SettingsPanel() {
  return (
    <Stack gap="md">
      <Title order={2}>Settings</Title>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 2 }}>
          <Stack gap={4} component="nav" aria-label="Settings sections">
            {settingsSections.map((section) => (
              <Anchor
                key={section.id}
                size="sm"
                onClick={() =>
                  document
                    .getElementById(`settings-${section.id}`)
                    ?.scrollIntoView({ behavior: 'smooth' })
                }
              >
                {section.title}
              </Anchor>
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 10 }}>
          <Stack gap="md">
            {settingsSections.map(({ id, title, description, Component }) => (
              <Card
                key={id}
                withBorder
                padding="md"
                id={`settings-${id}`}
                component="section"
                aria-label={title}
              >
                <Title order={4}>{title}</Title>
                <Text size="sm" c="dimmed" mb="sm">
                  {description}
                </Text>
                <Component />
              </Card>
            ))}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}
