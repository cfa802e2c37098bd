export * from './wishlist.schemas.js'
export { type WishlistItemDTO, WishlistsService } from './wishlists.service.js'
