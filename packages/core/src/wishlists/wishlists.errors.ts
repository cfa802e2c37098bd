/** The error codes of wishlists: see docs/api.md, "Error codes". */
export const wishlistsErrorCodes = ['wishlist_full'] as const
