import type { PublicCatalogService } from '../catalog/public-catalog.service.js'
import type { CheckoutVariantView } from '../catalog/public-catalog.types.js'

/** A variant as the cart and checkout read it: the price and stock now, from the catalog. */
export type CatalogVariant = CheckoutVariantView

/** What orders need of the catalog: variants by id, with their product and store. */
export interface CatalogView {
  /**
   * Known variants by id, each saying whether a buyer can buy it at `now`; unknown (or removed)
   * ids are absent.
   */
  variants(variantIds: string[], now: Date): Promise<Map<string, CatalogVariant>>
}

/**
 * The port served by the public catalog, which owns the rule of what buyers can buy, so that
 * orders reach the catalog only through its service.
 */
export class CatalogServiceView implements CatalogView {
  constructor(private catalog: Pick<PublicCatalogService, 'variantsForCheckout'>) {}

  async variants(variantIds: string[], now: Date): Promise<Map<string, CatalogVariant>> {
    const views = await this.catalog.variantsForCheckout(variantIds, now)
    return new Map(views.map((view) => [view.variantId, view]))
  }
}
