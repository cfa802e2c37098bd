import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

interface LocalSecrets {
  jwtSecret: string
  /** The local Paystack sandbox's secret key; the sandbox only accepts `sk_test_` keys. */
  paystackSandboxSecret: string
  /** Encrypts payout account numbers when PAYOUT_ENCRYPTION_KEY is unset (base64, 32 bytes). */
  payoutEncryptionKey: string
}

const newLocalSecrets = (): LocalSecrets => ({
  jwtSecret: randomBytes(48).toString('base64url'),
  paystackSandboxSecret: `sk_test_${randomBytes(20).toString('hex')}`,
  payoutEncryptionKey: randomBytes(32).toString('base64'),
})

/** Secrets for the embedded default: generated once, kept in the data directory, never in code. */
export function localSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>
    if (stored.jwtSecret && stored.paystackSandboxSecret && stored.payoutEncryptionKey) {
      return stored as LocalSecrets
    }
    // A data directory from before a secret was added: keep what is there, add what is missing.
    const completed: LocalSecrets = { ...newLocalSecrets(), ...stored }
    const temporary = `${file}.${process.pid}.tmp`
    writeFileSync(temporary, JSON.stringify(completed, null, 2), { mode: 0o600 })
    renameSync(temporary, file)
    return completed
  }
  mkdirSync(dataDir, { recursive: true })
  const secrets = newLocalSecrets()
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' })
    return secrets
  } catch {
    // Another process wrote it first: use theirs.
    return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets
  }
}
