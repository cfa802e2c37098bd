/** The fixed list of categories a store can sell in; products pick theirs from the same list. */
export const CATEGORIES = [
  { slug: 'women', name: 'Women' },
  { slug: 'men', name: 'Men' },
  { slug: 'kids', name: 'Kids' },
  { slug: 'shoes', name: 'Shoes' },
  { slug: 'bags', name: 'Bags' },
  { slug: 'accessories', name: 'Accessories' },
  { slug: 'jewellery', name: 'Jewellery' },
  { slug: 'beauty', name: 'Beauty' },
  { slug: 'traditional', name: 'Traditional (ankara, aso-oke)' },
  { slug: 'sportswear', name: 'Sportswear' },
] as const

export type CategorySlug = (typeof CATEGORIES)[number]['slug']

export const CATEGORY_SLUGS = CATEGORIES.map((c) => c.slug) as [CategorySlug, ...CategorySlug[]]
