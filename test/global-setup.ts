import { chooseTestImages } from './images'

export default function setup(): void {
  chooseTestImages()
}
