import { createServer } from 'node:net'
import { type Config, resolvePaystackSettings, withPaystackBaseUrl } from '@kloset/core'
import type { SandboxHandle } from '@kloset/paystack-sandbox'

export interface LocalPaystack {
  /** The configuration to build the core with: pointed at the sandbox when one runs. */
  config: Config
  sandbox?: SandboxHandle
  /** One line for the start banner. */
  banner: string
}

const SANDBOX_HOST = '127.0.0.1'

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, SANDBOX_HOST, () => probe.close(() => resolve(true)))
  })
}

/**
 * `npm start` with no PAYSTACK_SECRET_KEY: runs the Paystack sandbox on loopback, keyed with the
 * data directory's generated test key, posting its events to our webhook route. With a key, it
 * starts nothing and the core talks to Paystack. The decision itself is core's
 * (`resolvePaystackSettings`).
 */
export async function startLocalPaystack(config: Config): Promise<LocalPaystack> {
  const plan = resolvePaystackSettings(config)
  if (plan.kind === 'paystack') {
    return { config, banner: `Paystack ${plan.mode} mode at ${plan.baseUrl}` }
  }
  const wanted = plan.sandbox.port
  // Probe before starting: a sandbox that fails to listen has already resumed its persisted work.
  const port = wanted !== 0 && !(await portIsFree(wanted)) ? 0 : wanted
  const sandbox = await (await loadSandbox()).startSandbox({
    port,
    host: SANDBOX_HOST,
    secretKey: plan.sandbox.secretKey,
    webhookUrl: plan.sandbox.webhookUrl,
    persistFile: plan.sandbox.persistFile,
  })
  return {
    config: withPaystackBaseUrl(config, sandbox.url),
    sandbox,
    banner: `sandbox ${sandbox.url} (no PAYSTACK_SECRET_KEY; docs/paystack.md)`,
  }
}

/**
 * The sandbox is a development dependency: loaded only when it runs, so a production install
 * (`npm ci --omit=dev`, which leaves it out) starts without it when Paystack is configured.
 */
async function loadSandbox(): Promise<typeof import('@kloset/paystack-sandbox')> {
  try {
    return await import('@kloset/paystack-sandbox')
  } catch (error) {
    throw new Error(
      'PAYSTACK_SECRET_KEY is not set and the local Paystack sandbox is not installed (a production install leaves it out): set PAYSTACK_SECRET_KEY (docs/configuration.md)',
      { cause: error },
    )
  }
}
