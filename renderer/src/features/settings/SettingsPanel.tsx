import type { ComponentType } from 'react'
import { Anchor, Card, Grid, Stack, Text, Title } from '@mantine/core'
import { EngineEndpointSection } from './EngineEndpointSection'

export interface SettingsSection {
  id: string
  title: string
  description: string
  Component: ComponentType
}

/** The Docker engine's section: the one this panel owns (app/ adds the other domains'). */
export const engineSection: SettingsSection = {
  id: 'engine',
  title: 'Docker engine',
  description: 'Where MailDock finds the Docker engine.',
  Component: EngineEndpointSection,
}

/** One card per section, with a list of links to each on the side. */
export function SettingsPanel({ sections }: { sections: SettingsSection[] }) {
  return (
    <Stack gap="md">
      <Title order={2}>Settings</Title>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 2 }}>
          <Stack gap={4} component="nav" aria-label="Settings sections">
            {sections.map((section) => (
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
            {sections.map(({ id, title, description, Component }) => (
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
