import { type Connection, type Model, Schema, type Types } from 'mongoose'

/** An address range refused at the door (HTTP and WebSocket upgrades), until it expires. */
export interface IpBlockDoc {
  _id: Types.ObjectId
  /** Normalized network/prefix, e.g. `203.0.113.0/24`; one block per range. */
  cidr: string
  family: 4 | 6
  reason: string
  createdBy: string
  createdAt: Date
  expiresAt?: Date
}

const ipBlockSchema = new Schema<IpBlockDoc>(
  {
    cidr: { type: String, required: true },
    family: { type: Number, required: true, enum: [4, 6] },
    reason: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: Date,
  },
  { collection: 'ip_blocks', versionKey: false },
)
ipBlockSchema.index({ cidr: 1 }, { unique: true })

export type IpBlockModel = Model<IpBlockDoc>
export const createIpBlockModel = (conn: Connection): IpBlockModel =>
  conn.models.IpBlock ?? conn.model<IpBlockDoc>('IpBlock', ipBlockSchema)
