import { createHash } from 'node:crypto'

/** One row of `GET /bank`, trimmed to what the sandbox keeps. */
export interface Bank {
  id: number
  name: string
  slug: string
  code: string
  longcode: string
  type: 'nuban'
}

type BankRow = [id: number, name: string, slug: string, code: string, longcode: string]

// A snapshot of Nigerian banks as Paystack lists them (codes are the bank_code you send with
// recipients). It is not kept in sync with Paystack; add a row when a test needs a bank.
const ROWS: BankRow[] = [
  [1, 'Access Bank', 'access-bank', '044', '044150149'],
  [3, 'Access Bank (Diamond)', 'access-bank-diamond', '063', '063150162'],
  [27, 'ALAT by WEMA', 'alat-by-wema', '035A', '035150103'],
  [565, 'Carbon', 'carbon', '565', ''],
  [2, 'Citibank Nigeria', 'citibank-nigeria', '023', '023150005'],
  [4, 'Ecobank Nigeria', 'ecobank-nigeria', '050', '050150010'],
  [6, 'Fidelity Bank', 'fidelity-bank', '070', '070150003'],
  [7, 'First Bank of Nigeria', 'first-bank-of-nigeria', '011', '011151003'],
  [8, 'First City Monument Bank', 'first-city-monument-bank', '214', '214150018'],
  [70, 'Globus Bank', 'globus-bank', '00103', '103015001'],
  [9, 'Guaranty Trust Bank', 'guaranty-trust-bank', '058', '058152036'],
  [10, 'Heritage Bank', 'heritage-bank', '030', '030159992'],
  [22, 'Jaiz Bank', 'jaiz-bank', '301', '301080020'],
  [11, 'Keystone Bank', 'keystone-bank', '082', '082150017'],
  [67, 'Kuda Bank', 'kuda-bank', '50211', ''],
  [233, 'Lotus Bank', 'lotus-bank', '303', ''],
  [283, 'Moniepoint MFB', 'moniepoint-mfb-ng', '50515', ''],
  [171, 'OPay Digital Services Limited (OPay)', 'paycom', '999992', ''],
  [172, 'PalmPay', 'palmpay', '999991', ''],
  [26, 'Parallex Bank', 'parallex-bank', '104', ''],
  [13, 'Polaris Bank', 'polaris-bank', '076', '076151006'],
  [25, 'Providus Bank', 'providus-bank', '101', ''],
  [14, 'Stanbic IBTC Bank', 'stanbic-ibtc-bank', '221', '221159522'],
  [15, 'Standard Chartered Bank', 'standard-chartered-bank', '068', '068150015'],
  [16, 'Sterling Bank', 'sterling-bank', '232', '232150016'],
  [23, 'Suntrust Bank', 'suntrust-bank', '100', ''],
  [234, 'TAJ Bank', 'taj-bank', '302', ''],
  [17, 'Union Bank of Nigeria', 'union-bank-of-nigeria', '032', '032080474'],
  [18, 'United Bank For Africa', 'united-bank-for-africa', '033', '033153513'],
  [19, 'Unity Bank', 'unity-bank', '215', '215154097'],
  [74, 'VFD Microfinance Bank Limited', 'vfd', '566', ''],
  [20, 'Wema Bank', 'wema-bank', '035', '035150103'],
  [21, 'Zenith Bank', 'zenith-bank', '057', '057150013'],
]

/** Nigerian banks served by `GET /bank`, sorted by name. */
export const NIGERIAN_BANKS: readonly Bank[] = ROWS.map(([id, name, slug, code, longcode]) => ({
  id,
  name,
  slug,
  code,
  longcode,
  type: 'nuban' as const,
}))

/** Finds a bank by its Paystack bank code. */
export function findBank(code: string): Bank | undefined {
  return NIGERIAN_BANKS.find((bank) => bank.code === code)
}

/**
 * Account numbers with a fixed behaviour, at any bank. Anything else resolves to a name derived
 * from the number and its transfers succeed.
 */
export const DESIGNATED_ACCOUNTS = {
  /** Paystack's own test recipient (with bank 057); resolves and its transfers succeed. */
  success: '0000000000',
  /** Transfers to it end `failed` (processor error); the amount returns to the balance. */
  transferFails: '1111111111',
  /** Transfers to it end `reversed` (bank could not credit); the amount returns to the balance. */
  transferReversed: '2222222222',
  /** Cannot be resolved, so no recipient can be created for it. */
  unresolvable: '3333333333',
} as const

const FIRST_NAMES = [
  'ADAEZE',
  'ADEBAYO',
  'AMINA',
  'BOLANLE',
  'CHIDI',
  'CHIOMA',
  'EMEKA',
  'FATIMA',
  'FUNMI',
  'IBRAHIM',
  'IFEOMA',
  'KEMI',
  'MUSA',
  'NGOZI',
  'OLUWASEUN',
  'TUNDE',
]
const LAST_NAMES = [
  'ABUBAKAR',
  'ADEYEMI',
  'BELLO',
  'EZE',
  'IBEKWE',
  'NWOSU',
  'OKAFOR',
  'OKONKWO',
  'OLAWALE',
  'OYELARAN',
  'SANI',
  'YUSUF',
]

/**
 * The account name a resolve returns, or null when the number cannot be resolved. Derived from a
 * hash of the number so the same number always names the same person, whatever the bank.
 */
export function resolveAccountName(accountNumber: string): string | null {
  if (!/^\d{10}$/.test(accountNumber)) return null
  if (accountNumber === DESIGNATED_ACCOUNTS.unresolvable) return null
  const digest = createHash('sha256').update(accountNumber).digest()
  const first = FIRST_NAMES[digest[0]! % FIRST_NAMES.length]!
  const middle = FIRST_NAMES[digest[1]! % FIRST_NAMES.length]!
  const last = LAST_NAMES[digest[2]! % LAST_NAMES.length]!
  return `${last} ${first} ${middle === first ? 'GRACE' : middle}`
}

/** The terminal status a transfer to this account reaches once it settles. */
export function transferOutcomeFor(accountNumber: string): 'success' | 'failed' | 'reversed' {
  if (accountNumber === DESIGNATED_ACCOUNTS.transferFails) return 'failed'
  if (accountNumber === DESIGNATED_ACCOUNTS.transferReversed) return 'reversed'
  return 'success'
}
