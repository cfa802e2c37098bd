export * from './recommendation.evaluation.js'
export * from './recommendation.schemas.js'
export {
  type RecommendationDTO,
  type RecommendationRun,
  RecommendationsService,
} from './recommendations.service.js'
export { DEFAULT_RECOMMENDER_SETTINGS, type RecommenderSettings } from './recommender.js'
