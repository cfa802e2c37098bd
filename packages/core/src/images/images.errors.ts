/** The error codes of image uploads and the image store: see docs/api.md, "Error codes". */
export const imagesErrorCodes = ['image_store_failed', 'image_too_large', 'invalid_image'] as const
