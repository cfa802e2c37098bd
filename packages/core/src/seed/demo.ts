import type { CreateProductBody, CreateVariantBody } from '../catalog/product.schemas.js'
import type { RegisterStoreBody } from '../stores/store.schemas.js'

/** One demo product: its content, its variants, and the colours of its generated photo. */
export interface DemoProduct {
  product: CreateProductBody
  variants: CreateVariantBody[]
  /** Two RGB colours of the photo's diagonal gradient. */
  photo: [[number, number, number], [number, number, number]]
  /** Left waiting for an administrator's review. */
  pending?: boolean
}

export interface DemoStore {
  seller: { name: string; emailLocalPart: string }
  store: RegisterStoreBody
  /** Left waiting for an administrator's approval (it then has no products). */
  pending?: boolean
  products: DemoProduct[]
}

const variant = (
  sku: string,
  options: Record<string, string>,
  price: number,
  stock: number,
): CreateVariantBody => ({
  sku,
  options,
  price,
  stock,
  lowStockThreshold: 3,
  weightGrams: 500,
})

/** Every size or colour combination of a product, priced alike, with stock from `stockOf`. */
function grid(
  prefix: string,
  axes: Record<string, string[]>,
  price: number,
  stockOf: (index: number) => number,
): CreateVariantBody[] {
  let combos: Record<string, string>[] = [{}]
  for (const [name, values] of Object.entries(axes)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [name]: value })))
  }
  return combos.map((options, index) =>
    variant(
      `${prefix}-${Object.values(options)
        .map((v) => v.toUpperCase().replace(/[^A-Z0-9]+/g, ''))
        .join('-')}`,
      options,
      price,
      stockOf(index),
    ),
  )
}

const lagos = (line1: string) => ({ line1, city: 'Lagos', state: 'Lagos', country: 'NG' })

/** The demo marketplace: three stores open for business, one waiting, two products in review. */
export const DEMO_STORES: DemoStore[] = [
  {
    seller: { name: 'Bisola Adeyemi', emailLocalPart: 'bisola' },
    store: {
      name: 'Adire Lagos',
      description: 'Hand-dyed adire from Abeokuta indigo, cut and sewn in Yaba.',
      contactEmail: 'hello@adire-lagos.example',
      contactPhone: '+234 803 555 0101',
      address: lagos('14 Herbert Macaulay Way, Yaba'),
      categories: ['women', 'men', 'traditional', 'accessories'],
    },
    products: [
      {
        product: {
          title: 'Adire indigo wrap dress',
          description: 'Cotton adire in deep indigo, wrap front, midi length.',
          category: 'women',
          brand: 'Adire Lagos',
          tags: ['adire', 'indigo', 'dress'],
          options: [
            { name: 'size', values: ['S', 'M', 'L'] },
            { name: 'colour', values: ['Indigo', 'Sky'] },
          ],
        },
        variants: grid(
          'ADL-WRAP',
          { size: ['S', 'M', 'L'], colour: ['Indigo', 'Sky'] },
          2_850_000,
          (i) => (i === 5 ? 0 : 4 + i),
        ),
        photo: [
          [24, 38, 94],
          [92, 140, 214],
        ],
      },
      {
        product: {
          title: 'Adire kaftan',
          description: 'Loose kaftan in hand-tied adire, for Friday and for owambe.',
          category: 'men',
          brand: 'Adire Lagos',
          tags: ['adire', 'kaftan'],
          options: [{ name: 'size', values: ['M', 'L', 'XL'] }],
        },
        variants: grid(
          'ADL-KAFTAN',
          { size: ['M', 'L', 'XL'] },
          3_500_000,
          (i) => [6, 2, 9][i] ?? 0,
        ),
        photo: [
          [30, 30, 80],
          [200, 200, 230],
        ],
      },
      {
        product: {
          title: 'Tie-dye head wrap',
          description: 'Two metres of soft adire for a gele or a turban.',
          category: 'accessories',
          brand: 'Adire Lagos',
          tags: ['adire', 'headwrap', 'gele'],
          options: [{ name: 'colour', values: ['Indigo', 'Rust'] }],
        },
        variants: grid('ADL-WRAPHEAD', { colour: ['Indigo', 'Rust'] }, 850_000, () => 20),
        photo: [
          [40, 50, 120],
          [190, 90, 40],
        ],
      },
      {
        product: {
          title: 'Adire bucket hat',
          description: 'Reversible bucket hat, adire on one side, plain indigo on the other.',
          category: 'accessories',
          brand: 'Adire Lagos',
          tags: ['adire', 'hat'],
          options: [{ name: 'size', values: ['M', 'L'] }],
        },
        variants: grid('ADL-HAT', { size: ['M', 'L'] }, 1_200_000, () => 8),
        photo: [
          [20, 60, 110],
          [240, 240, 240],
        ],
        pending: true,
      },
    ],
  },
  {
    seller: { name: 'Tunde Bakare', emailLocalPart: 'tunde' },
    store: {
      name: 'Aso-Oke House',
      description: 'Hand-woven aso-oke from Iseyin looms: agbada, gele and ìró sets.',
      contactEmail: 'orders@aso-oke-house.example',
      contactPhone: '+234 802 555 0202',
      address: lagos('3 Balogun Street, Lagos Island'),
      categories: ['traditional', 'men', 'women'],
    },
    products: [
      {
        product: {
          title: 'Aso-oke agbada set',
          description: 'Three-piece agbada in hand-woven aso-oke: agbada, buba and sokoto.',
          category: 'traditional',
          brand: 'Aso-Oke House',
          tags: ['aso-oke', 'agbada', 'owambe'],
          options: [
            { name: 'size', values: ['M', 'L', 'XL'] },
            { name: 'colour', values: ['Gold', 'Wine'] },
          ],
        },
        variants: grid(
          'AOH-AGBADA',
          { size: ['M', 'L', 'XL'], colour: ['Gold', 'Wine'] },
          18_500_000,
          (i) => (i % 2 === 0 ? 3 : 1),
        ),
        photo: [
          [120, 20, 40],
          [220, 170, 50],
        ],
      },
      {
        product: {
          title: 'Ìró àti bùbá set',
          description: 'Wrapper and blouse in aso-oke with a matching gele.',
          category: 'women',
          brand: 'Aso-Oke House',
          tags: ['aso-oke', 'iro', 'buba'],
          options: [{ name: 'size', values: ['S', 'M', 'L'] }],
        },
        variants: grid('AOH-IRO', { size: ['S', 'M', 'L'] }, 9_500_000, () => 5),
        photo: [
          [90, 20, 90],
          [240, 200, 120],
        ],
      },
      {
        product: {
          title: 'Aso-oke gele',
          description: 'Stiff hand-woven head tie, ready to tie.',
          category: 'accessories',
          brand: 'Aso-Oke House',
          tags: ['aso-oke', 'gele'],
          options: [{ name: 'colour', values: ['Gold', 'Emerald', 'Wine'] }],
        },
        variants: grid('AOH-GELE', { colour: ['Gold', 'Emerald', 'Wine'] }, 1_850_000, (i) =>
          i === 1 ? 0 : 12,
        ),
        photo: [
          [10, 110, 70],
          [230, 190, 60],
        ],
      },
    ],
  },
  {
    seller: { name: 'Aminu Danjuma', emailLocalPart: 'aminu' },
    store: {
      name: 'Kano Leather Co.',
      description: 'Vegetable-tanned goatskin from Kano tanneries, stitched by hand.',
      contactEmail: 'sales@kano-leather.example',
      contactPhone: '+234 805 555 0303',
      address: lagos('22 Awolowo Road, Ikoyi'),
      categories: ['bags', 'shoes', 'accessories'],
    },
    products: [
      {
        product: {
          title: 'Kano leather tote',
          description: 'Roomy goatskin tote with brass rivets.',
          category: 'bags',
          brand: 'Kano Leather Co.',
          tags: ['leather', 'tote', 'bag'],
          options: [{ name: 'colour', values: ['Tan', 'Black'] }],
        },
        variants: grid('KLC-TOTE', { colour: ['Tan', 'Black'] }, 4_200_000, () => 7),
        photo: [
          [120, 70, 30],
          [210, 160, 100],
        ],
      },
      {
        product: {
          title: 'Leather slides',
          description: 'Hand-stitched slides on a stacked leather sole.',
          category: 'shoes',
          brand: 'Kano Leather Co.',
          tags: ['leather', 'slides', 'sandals'],
          options: [
            { name: 'size', values: ['41', '42', '43', '44'] },
            { name: 'colour', values: ['Tan', 'Black'] },
          ],
        },
        variants: grid(
          'KLC-SLIDE',
          { size: ['41', '42', '43', '44'], colour: ['Tan', 'Black'] },
          2_300_000,
          (i) => i % 4,
        ),
        photo: [
          [60, 40, 20],
          [180, 120, 70],
        ],
      },
      {
        product: {
          title: 'Woven leather belt',
          description: 'Plaited goatskin belt with a solid brass buckle.',
          category: 'accessories',
          brand: 'Kano Leather Co.',
          tags: ['leather', 'belt'],
          options: [{ name: 'size', values: ['M', 'L'] }],
        },
        variants: grid('KLC-BELT', { size: ['M', 'L'] }, 1_150_000, () => 15),
        photo: [
          [50, 30, 15],
          [150, 100, 50],
        ],
      },
      {
        product: {
          title: 'Leather card wallet',
          description: 'Slim wallet for six cards and folded naira notes.',
          category: 'accessories',
          brand: 'Kano Leather Co.',
          tags: ['leather', 'wallet'],
          options: [],
        },
        variants: [variant('KLC-WALLET', {}, 650_000, 25)],
        photo: [
          [140, 90, 40],
          [60, 30, 10],
        ],
        pending: true,
      },
    ],
  },
  {
    seller: { name: 'Chiamaka Okafor', emailLocalPart: 'chiamaka' },
    store: {
      name: 'Aba Denim Works',
      description: 'Jeans and jackets cut and sewn in Aba, waiting for its approval.',
      contactEmail: 'hello@aba-denim.example',
      contactPhone: '+234 806 555 0404',
      address: { line1: '9 Faulks Road', city: 'Aba', state: 'Abia', country: 'NG' },
      categories: ['men', 'women'],
    },
    pending: true,
    products: [],
  },
]
