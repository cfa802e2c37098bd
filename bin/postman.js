#!/usr/bin/env node
// Writes a Postman collection and environment generated from the OpenAPI document of the built
// server (`npm run postman` builds first): one folder per area (the document's tags), and two
// scripted "Happy path" folders that newman runs against a live server (docs/api.md, "Postman").
// Usage: node bin/postman.js [out-dir]   (default: postman/)
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Converter from 'openapi-to-postmanv2'
import { apiDocument } from '../packages/server/dist/index.js'

const outDir = process.argv[2] ?? 'postman'
const BASE_URL = 'http://localhost:8080'

const document = apiDocument({ version: '0.1.0', serverUrl: BASE_URL })
const converted = await promisify(Converter.convert)(
  { type: 'json', data: document },
  {
    folderStrategy: 'Tags',
    requestParametersResolution: 'Example',
    includeAuthInfoInExample: false,
  },
)
if (!converted.result) throw new Error(`conversion failed: ${converted.reason}`)
const collection = converted.output[0].data

const script = (lines) => ({ type: 'text/javascript', exec: lines })
const json = (value) => ({
  mode: 'raw',
  raw: JSON.stringify(value, null, 2),
  options: { raw: { language: 'json' } },
})

/** One scripted request: `tests` are the lines of its test script (they save ids for later). */
function step(name, method, path, { body, token, headers = {}, tests = [], prerequest } = {}) {
  const header = [
    ...(body ? [{ key: 'Content-Type', value: 'application/json' }] : []),
    ...Object.entries(headers).map(([key, value]) => ({ key, value })),
  ]
  return {
    name,
    event: [
      ...(prerequest ? [{ listen: 'prerequest', script: script(prerequest) }] : []),
      { listen: 'test', script: script(tests) },
    ],
    request: {
      method,
      // Its own auth, never the collection's (which signs the per-area requests in as the buyer).
      auth: token
        ? { type: 'bearer', bearer: [{ key: 'token', value: `{{${token}}}`, type: 'string' }] }
        : { type: 'noauth' },
      header,
      url: path.startsWith('{{') && !path.startsWith('{{baseUrl}}') ? path : `{{baseUrl}}${path}`,
      ...(body ? { body: json(body) } : {}),
    },
  }
}
const status = (code) => `pm.test('answers ${code}', () => pm.response.to.have.status(${code}))`
const save = (name, expression) => `pm.environment.set('${name}', pm.response.json()${expression})`
const expectBody = (expression, value) =>
  `pm.test('${expression} is ${value}', () => pm.expect(pm.response.json()${expression}).to.eql(${JSON.stringify(value)}))`

const signUp = (who) =>
  step(`Sign up the ${who}`, 'POST', '/api/v1/auth/signup', {
    body: { email: `{{${who}Email}}`, password: '{{password}}', name: `A ${who}`, role: who },
    tests: [status(202), expectBody('.status', 'verification_sent')],
  })
const verify = (who) =>
  step(
    `Verify the ${who}'s email (token from the mail capture)`,
    'POST',
    '/api/v1/auth/verify-email',
    {
      body: { token: `{{${who}VerifyToken}}` },
      tests: [status(200), expectBody('.user.emailVerified', true)],
    },
  )
const signIn = (who) =>
  step(`Sign in the ${who}`, 'POST', '/api/v1/auth/login', {
    body: {
      email: `{{${who}Email}}`,
      password: `{{${who === 'admin' ? 'adminPassword' : 'password'}}}`,
    },
    tests: [status(200), save(`${who}Token`, '.accessToken')],
  })

const signUpFolder = {
  name: 'Happy path 1: sign up',
  description:
    'Signs up a seller and a buyer with fresh addresses. Then copy the token of each verification link (`bin/kloset mail list`, `bin/kloset mail show <id>`) into sellerVerifyToken and buyerVerifyToken, and run part 2.',
  item: [
    step('A fresh run id', 'GET', '/healthz', {
      prerequest: [
        'const run = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36)',
        "pm.environment.set('runId', run)",
        "pm.environment.set('sellerEmail', 'seller-' + run + '@example.com')",
        "pm.environment.set('buyerEmail', 'buyer-' + run + '@example.com')",
      ],
      tests: [status(200)],
    }),
    signUp('seller'),
    signUp('buyer'),
  ],
}

const sellFolder = {
  name: 'Happy path 2: verify, sell, pay, ship, deliver',
  description:
    'Needs the two verification tokens, and an administrator (adminEmail, adminPassword: `npm start` prints the demo admin once).',
  item: [
    verify('seller'),
    verify('buyer'),
    signIn('seller'),
    signIn('buyer'),
    signIn('admin'),
    step('Open a store', 'POST', '/api/v1/seller/store', {
      token: 'sellerToken',
      body: {
        name: 'Ile Aso {{runId}}',
        description: 'Aso-oke and adire made to order in Abeokuta.',
        contactEmail: 'store-{{runId}}@example.com',
        contactPhone: '+234 803 555 0101',
        address: { line1: '3 Itoku Road', city: 'Abeokuta', state: 'Ogun', country: 'NG' },
        categories: ['women'],
      },
      tests: [status(201), save('storeId', '.store.id')],
    }),
    step('Approve the store (admin)', 'POST', '/api/v1/admin/stores/{{storeId}}/approve', {
      token: 'adminToken',
      body: {},
      tests: [status(200), expectBody('.store.status', 'approved')],
    }),
    step('Create a product', 'POST', '/api/v1/seller/products', {
      token: 'sellerToken',
      body: {
        title: 'Adire wrap skirt',
        description: 'Indigo-dyed cotton.',
        category: 'women',
        options: [{ name: 'size', values: ['M'] }],
      },
      tests: [status(201), save('productId', '.product.id')],
    }),
    step('Add a variant', 'POST', '/api/v1/seller/products/{{productId}}/variants', {
      token: 'sellerToken',
      body: { sku: 'ADIRE-{{runId}}', options: { size: 'M' }, price: 1800000, stock: 4 },
      tests: [status(201), save('variantId', '.variant.id')],
    }),
    step('Submit it for review', 'POST', '/api/v1/seller/products/{{productId}}/submit', {
      token: 'sellerToken',
      tests: [status(200), expectBody('.product.status', 'pending_review')],
    }),
    step('Approve the product (admin)', 'POST', '/api/v1/admin/products/{{productId}}/approve', {
      token: 'adminToken',
      body: {},
      tests: [status(200), expectBody('.product.status', 'approved')],
    }),
    step('Add it to the cart', 'POST', '/api/v1/cart/items', {
      token: 'buyerToken',
      body: { variantId: '{{variantId}}', quantity: 2 },
      tests: [status(200), expectBody('.cart.subtotal', 3600000)],
    }),
    step('Check out', 'POST', '/api/v1/checkout', {
      token: 'buyerToken',
      headers: { 'Idempotency-Key': 'postman-{{runId}}' },
      body: {
        shippingAddress: {
          name: 'Ngozi Eze',
          phone: '+234 803 555 0199',
          line1: '14 Awolowo Road',
          city: 'Lagos',
          state: 'Lagos',
          country: 'NG',
        },
      },
      tests: [
        status(201),
        save('authorizationUrl', '.payment.authorizationUrl'),
        save('reference', '.payment.reference'),
        save('orderId', '.orders[0].id'),
      ],
    }),
    step('Open the Paystack checkout page (sandbox)', 'GET', '{{authorizationUrl}}', {
      tests: [
        status(200),
        'const html = pm.response.text()',
        'const form = /<form method="post" action="([^"]+)"/.exec(html)[1].replaceAll("&amp;", "&")',
        'const card = /name="card" value="([^"]+)" checked/.exec(html)[1]',
        "const page = pm.environment.get('authorizationUrl')",
        "const origin = page.slice(0, page.indexOf('/', page.indexOf('//') + 2))",
        "pm.environment.set('payUrl', form.startsWith('http') ? form : origin + form)",
        "pm.environment.set('card', card)",
      ],
    }),
    {
      ...step('Pay (sandbox)', 'POST', '{{payUrl}}', {
        tests: [status(302)],
      }),
      protocolProfileBehavior: { followRedirects: false },
      request: {
        method: 'POST',
        auth: { type: 'noauth' },
        header: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
        url: '{{payUrl}}',
        body: {
          mode: 'urlencoded',
          urlencoded: [
            { key: 'card', value: '{{card}}' },
            { key: 'action', value: 'success' },
          ],
        },
      },
    },
    step('The checkout is paid', 'GET', '/api/v1/checkout/{{reference}}/status', {
      token: 'buyerToken',
      tests: [status(200), expectBody('.orderGroup.status', 'paid')],
    }),
    step('Ship it (seller)', 'POST', '/api/v1/seller/orders/{{orderId}}/ship', {
      token: 'sellerToken',
      body: { carrier: 'GIG Logistics', trackingNumber: 'GIG-{{runId}}' },
      tests: [status(200), expectBody('.order.status', 'shipped')],
    }),
    step('Mark it delivered (seller)', 'POST', '/api/v1/seller/orders/{{orderId}}/deliver', {
      token: 'sellerToken',
      tests: [status(200), expectBody('.order.status', 'delivered')],
    }),
    step('The buyer sees it delivered', 'GET', '/api/v1/orders/{{orderId}}', {
      token: 'buyerToken',
      tests: [status(200), expectBody('.order.status', 'delivered')],
    }),
  ],
}

collection.info.name = 'KlosetStore API'
collection.info.description =
  'Generated from the OpenAPI document by `npm run postman`: one folder per area, and a scripted happy path in two parts (docs/api.md, "Postman").'
collection.item = [signUpFolder, sellFolder, ...collection.item]
collection.auth = {
  type: 'bearer',
  bearer: [{ key: 'token', value: '{{buyerToken}}', type: 'string' }],
}
collection.variable = (collection.variable ?? []).filter((v) => v.key !== 'baseUrl')

const names = [
  'runId',
  'sellerEmail',
  'buyerEmail',
  'sellerVerifyToken',
  'buyerVerifyToken',
  'sellerToken',
  'buyerToken',
  'adminToken',
  'storeId',
  'productId',
  'variantId',
  'authorizationUrl',
  'reference',
  'orderId',
  'payUrl',
  'card',
]
const environment = {
  name: 'KlosetStore local',
  values: [
    { key: 'baseUrl', value: BASE_URL, type: 'default', enabled: true },
    { key: 'password', value: 'a long passphrase', type: 'secret', enabled: true },
    { key: 'adminEmail', value: '', type: 'default', enabled: true },
    { key: 'adminPassword', value: '', type: 'secret', enabled: true },
    ...names.map((key) => ({ key, value: '', type: 'default', enabled: true })),
  ],
  _postman_variable_scope: 'environment',
}

mkdirSync(outDir, { recursive: true })
writeFileSync(
  join(outDir, 'kloset.postman_collection.json'),
  `${JSON.stringify(collection, null, 2)}\n`,
)
writeFileSync(
  join(outDir, 'kloset.postman_environment.json'),
  `${JSON.stringify(environment, null, 2)}\n`,
)
const folders = collection.item.map((f) => f.name)
console.log(`wrote ${outDir}/: ${folders.length} folders (${folders.join(', ')})`)
