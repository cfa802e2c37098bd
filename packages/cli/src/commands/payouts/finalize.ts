import { finalizePayoutInput, type PayoutDetailDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { yesFlag } from '../../flags.js'

export default class PayoutsFinalize extends KlosetCommand {
  static override summary = 'Complete a payout Paystack holds for an OTP'
  static override description =
    'Needed only while transfer OTP is on for the Paystack integration (automated payouts need it off). Asks for confirmation unless --yes; under --json without --yes it refuses.'
  static override examples = [
    '<%= config.bin %> payouts finalize 6650c0ffee0ddba11ca7e001 --otp 123456 --yes',
  ]

  static override args = {
    payout: Args.string({ required: true, description: 'payout id or transfer reference' }),
  }
  static override flags = {
    otp: Flags.string({ required: true, summary: 'The OTP Paystack sent the business owner' }),
    yes: yesFlag,
  }

  async run(): Promise<{ payout: PayoutDetailDTO }> {
    const { args, flags } = await this.parse(PayoutsFinalize)
    const input = this.validate(finalizePayoutInput, { otp: flags.otp })
    const core = await this.core()
    if (
      !(await this.confirmed(
        flags.yes,
        `Send payout ${args.payout}?`,
        'This sends money: pass --yes to confirm',
      ))
    ) {
      this.say('Nothing was sent.')
      return { payout: await core.payouts.get(this.ctx, args.payout) }
    }
    const { payout } = await core.payouts.finalize(this.ctx, args.payout, input)
    this.say(`Payout ${payout.id} is ${payout.status}.`)
    return { payout }
  }
}
